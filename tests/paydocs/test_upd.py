"""The УПД of each final invoice: its figures are the invoice's to the kopeck."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import Contract
from paydocs.upd import upd_totals
from settlements.ledger import charged_invoice
from tests.conftest import client_for, make_contract, make_invoice
from tests.settlements.conftest import monthly_history, pdf_text

pytestmark = pytest.mark.django_db
YEAR_2021 = {"start": "2021-01-01", "end": "2021-12-31"}


def flat(content: bytes) -> str:
    return " ".join(" ".join(pdf_text(content)).split())


def test_the_upd_of_an_invoice_carries_its_parties_lines_and_totals(customer_client, contract):
    invoice = contract.invoices.get(number="ЭРО-1")
    response = customer_client.get(reverse("paydocs:upd", args=[invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "upd-12345-ES-ERO-1-2021-10-31.pdf" in response["Content-Disposition"]
    text = flat(response.content)
    for expected in (
        "Универсальный передаточный документ",
        "Статус: 1",
        "Счет-фактура № ЭРО-1 от 31.10.2021",
        "ИНН/КПП продавца: 7415061109/741501001",
        "Покупатель: ООО «Тепломонтаж»",
        "ИНН/КПП покупателя: 7453012342/745301001",
        "Российский рубль, 643",
        "Тепловая энергия, Нежилое помещение (г. Миасс, ул. Калинина, д. 12), за 10.2021 233 Гкал",
        # 5 392,46 with 898,74 of VAT: 4 493,72 without it.
        "Всего к оплате (9) 4 493,72 × 898,74 5 392,46",
        "договор № 12345-ЭС от 27.09.2021",
    ):
        assert expected in text, expected


def test_the_totals_are_the_invoices_for_every_line_count(contract):
    monthly_history(contract, first=dt.date(2024, 1, 1), months=3)  # two lines each
    for invoice in contract.invoices.all():
        totals = upd_totals(charged_invoice(contract=contract, invoice_id=invoice.pk))
        assert totals["total"] == invoice.amount
        assert totals["vat_amount"] == invoice.vat_amount
        assert totals["amount"] == invoice.amount - invoice.vat_amount


def test_a_correction_has_no_upd(customer_client, contract):
    correction = make_invoice(
        contract, dt.date(2021, 12, 5), "-100.00", vat="-16.67", operation_type="Корректировка"
    )
    assert customer_client.get(reverse("paydocs:upd", args=[correction.pk])).status_code == 404


def test_another_customers_upd_is_not_found(customer_client, other_contract):
    theirs = other_contract.invoices.get()
    assert customer_client.get(reverse("paydocs:upd", args=[theirs.pk])).status_code == 404


def test_the_period_comes_as_one_zip(customer_client, contract):
    response = customer_client.get(reverse("paydocs:upd-zip"), YEAR_2021)
    assert response["Content-Type"] == "application/zip"
    assert "upd-12345-ES-2021-01-01-2021-12-31.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == ["upd-12345-ES-ERO-1-2021-10-31.pdf", "upd-12345-ES-ERO-2-2021-11-30.pdf"]
        assert "Всего к оплате (9) 6 740,58 × 1 348,12 8 088,70" in flat(archive.read(names[1]))


def test_a_period_without_invoices_or_with_too_many_is_explained(db, monkeypatch):
    from paydocs import upd

    # Which invoices go into the archive is what is tested here; each УПД's
    # drawing is tested above.
    monkeypatch.setattr(upd, "upd_pdf", lambda item, made_at=None: f"%PDF {item.invoice.number}".encode())
    contract: Contract = make_contract(number="20003-ЭС")
    monthly_history(contract, first=dt.date(2019, 1, 1), months=36)
    client = client_for(contract)
    assert (
        client.get(reverse("paydocs:upd-zip"), {"start": "2030-01-01", "end": "2030-12-31"}).status_code
        == 404
    )
    response = client.get(reverse("paydocs:upd-zip"), {"start": "2019-01-01", "end": "2020-12-31"})
    assertContains(response, "В одном архиве не более 12 УПД", status_code=400)
    response = client.get(reverse("paydocs:upd-zip"), {"start": "2019-01-01", "end": "2019-12-31"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert len(archive.namelist()) == 12


def test_a_bad_period_is_the_tabs_400(customer_client):
    response = customer_client.get(reverse("paydocs:upd-zip"), {"start": "2021-13-45"})
    assertContains(response, "Введите дату в формате ДД.ММ.ГГГГ", status_code=400)


def test_large_sums_keep_every_kopeck(contract):
    invoice = make_invoice(contract, dt.date(2021, 12, 31), "123456789012.34", vat="20576131502.06")
    totals = upd_totals(charged_invoice(contract=contract, invoice_id=invoice.pk))
    assert totals == {
        "amount": Decimal("102880657510.28"),
        "vat_amount": Decimal("20576131502.06"),
        "total": Decimal("123456789012.34"),
    }


def test_a_upd_is_drawn_once_until_the_invoice_changes(customer_client, contract, monkeypatch):
    from paydocs import upd

    invoice = contract.invoices.get(number="ЭРО-1")
    url = reverse("paydocs:upd", args=[invoice.pk])
    first = customer_client.get(url).content
    drawn = []
    monkeypatch.setattr(upd, "upd_pdf", lambda item, made_at=None: drawn.append(item) or b"%PDF-redrawn")
    assert customer_client.get(url).content == first
    assert drawn == []
    line = invoice.lines.get()
    line.installation = "Нежилое помещение № 2"
    line.save()
    assert customer_client.get(url).content == b"%PDF-redrawn"
    assert [item.invoice.pk for item in drawn] == [invoice.pk]
