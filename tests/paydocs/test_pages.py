"""«Счёт на оплату»: the form, the PDF with its QR code, and its guards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from paydocs.models import PaymentInvoice
from paydocs.services import default_purpose, vat_included
from tests.conftest import client_for, errors_on
from tests.paydocs.conftest import qr_codes_in_pdf
from tests.settlements.conftest import pdf_text

pytestmark = pytest.mark.django_db
NEW = reverse("paydocs:invoice-new")


@pytest.fixture
def december(clock):
    clock.set(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC))
    return clock


def test_the_form_offers_the_debt(customer_client, supplier_bank):
    page = customer_client.get(NEW)
    # 5 392,46 + 8 088,70 charged, nothing paid.
    assertContains(page, 'value="13 481,16"')
    for text in (
        "Счёт на оплату",
        "Сумма, ₽",
        "Назначение платежа",
        "Сформировать счёт",
        "р/с 40702810672000012345",
    ):
        assertContains(page, text)


def test_the_default_purpose_names_the_invoice_the_contract_and_the_vat(contract):
    purpose = default_purpose(
        contract=contract, amount=Decimal("22813.54"), on=dt.date(2026, 12, 3), number=17
    )
    assert purpose == (
        "Оплата по счету № 17 от 03.12.2026 по договору № 12345-ЭС от 27.09.2021 за теплоснабжение и ГВС, "
        "в т.ч. НДС 22 % — 4 113,92 руб."
    )
    assert vat_included(Decimal("22813.54"), Decimal("22")) == Decimal("4113.92")
    assert "НДС 20 % — 3 802,26 руб." in default_purpose(
        contract=contract, amount=Decimal("22813.54"), on=dt.date(2025, 12, 31), number=17
    )
    # The longest number and sum still fit the bank's 210 characters.
    longest = default_purpose(
        contract=contract, amount=Decimal("999999999.99"), on=dt.date(2026, 12, 3), number=999_999_999_999
    )
    assert len(longest) <= 210


def test_an_invoice_is_made_and_downloaded_with_its_qr_code(
    customer_client, contract, supplier_bank, december, tmp_path
):
    response = customer_client.post(NEW, {"amount": "22 813,54", "purpose": ""})
    invoice = PaymentInvoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("paydocs:invoice-pdf", args=[invoice.pk])
    assert (invoice.contract, invoice.amount, invoice.vat_rate, invoice.vat_amount) == (
        contract,
        Decimal("22813.54"),
        Decimal("22.00"),
        Decimal("4113.92"),
    )
    download = customer_client.get(response["Location"])
    assert download["Content-Type"] == "application/pdf"
    assert f"schet-na-oplatu-{invoice.pk}-12345-ES.pdf" in download["Content-Disposition"]
    text = " ".join(" ".join(pdf_text(download.content)).split())
    for expected in (
        f"Счёт на оплату № {invoice.pk} от 03.12.2026",
        "ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
        "047501602",
        "30101810700000000602",
        "40702810672000012345",
        "ИНН 7415061109",
        "Покупатель: ООО «Тепломонтаж», ИНН 7453012342, КПП 745301001",
        "Основание: договор № 12345-ЭС от 27.09.2021",
        "22 813,54",
        "В том числе НДС (22 %): 4 113,92",
        "Двадцать две тысячи восемьсот тринадцать рублей 54 копейки",
    ):
        assert expected in text, expected
    (code,) = qr_codes_in_pdf(download.content, tmp_path)
    assert code == (
        "ST00012|Name=АО «ЭнСер»|PersonalAcc=40702810672000012345"
        "|BankName=ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК|BIC=047501602|CorrespAcc=30101810700000000602"
        "|PayeeINN=7415061109|KPP=741501001"
        f"|Purpose=Оплата по счету № {invoice.pk} от 03.12.2026 по договору № 12345-ЭС от 27.09.2021"
        " за теплоснабжение и ГВС, в т.ч. НДС 22 % — 4 113,92 руб."
        "|Sum=2281354"
    )
    # Listed on the form's page for downloading again.
    assertContains(customer_client.get(NEW), reverse("paydocs:invoice-pdf", args=[invoice.pk]))


def test_a_purpose_of_the_customers_own_is_kept_after_the_invoices_number(
    customer_client, supplier_bank, december, tmp_path
):
    customer_client.post(NEW, {"amount": "100", "purpose": "Аванс | за январь 2027"})
    invoice = PaymentInvoice.objects.get()
    assert invoice.purpose == f"По счету № {invoice.pk} от 03.12.2026. Аванс | за январь 2027"
    (code,) = qr_codes_in_pdf(
        customer_client.get(reverse("paydocs:invoice-pdf", args=[invoice.pk])).content, tmp_path
    )
    assert code.endswith(f"|Purpose=По счету № {invoice.pk} от 03.12.2026. Аванс за январь 2027|Sum=10000")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Укажите сумму."),
        ("abc", "Введите сумму в рублях, например 22 813,54."),
        ("0", "Сумма: от 0,01 до 999 999 999,99 ₽."),
        ("-5", "Сумма: от 0,01 до 999 999 999,99 ₽."),
        ("1000000000", "Сумма: от 0,01 до 999 999 999,99 ₽."),
        ("NaN", "Сумма: от 0,01 до 999 999 999,99 ₽."),
        ("12,345", "Сумма: рубли и не более двух знаков копеек, например 22 813,54."),
    ],
)
def test_a_bad_sum_is_explained_next_to_the_field(customer_client, supplier_bank, amount, message):
    response = customer_client.post(NEW, {"amount": amount, "purpose": ""})
    assert response.status_code == 400
    assert message in errors_on(response)
    assert not PaymentInvoice.objects.exists()


def test_a_purpose_too_long_for_the_bank_is_refused(customer_client, supplier_bank):
    response = customer_client.post(NEW, {"amount": "10", "purpose": "я" * 171})
    assert response.status_code == 400
    assert (
        "Назначение платежа: не более 170 знаков (с номером и датой счёта — 210, столько берет банк)."
        in errors_on(response)
    )
    assert not PaymentInvoice.objects.exists()


def test_without_the_companys_bank_account_no_invoice_is_made(customer_client):
    assertContains(customer_client.get(NEW), "банковские реквизиты АО «ЭнСер» еще не внесены")
    response = customer_client.post(NEW, {"amount": "10", "purpose": ""})
    assert response.status_code == 503
    assert not PaymentInvoice.objects.exists()


def test_another_customers_invoice_is_not_found(customer_client, other_contract, supplier_bank):
    client_for(other_contract).post(NEW, {"amount": "10", "purpose": ""})
    theirs = PaymentInvoice.objects.get()
    assert customer_client.get(reverse("paydocs:invoice-pdf", args=[theirs.pk])).status_code == 404
    assert reverse("paydocs:invoice-pdf", args=[theirs.pk]) not in customer_client.get(NEW).content.decode()


def test_the_form_needs_a_signed_in_customer(client, supplier_bank):
    response = client.get(NEW)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "shown"), [("admin", True), ("accountant", True), ("viewer", False), ("engineer", False)]
)
def test_the_way_to_an_invoice_is_shown_to_those_who_pay(contract, supplier_bank, role, shown):
    from tests.conftest import make_person, person_client

    client = person_client(make_person(email=f"{role}@alfa.example", roles={contract: role}))
    pages = [reverse("cabinet:home")] + ([reverse("settlements:payments")] if role != "engineer" else [])
    for url in pages:
        page = client.get(url).content.decode()
        assert (f'href="{NEW}"' in page) is shown, (role, url)
    # Whatever is kept of a page for one role is not shown to another.
    assert (client.get(NEW).status_code == 200) is shown


def test_upds_are_offered_on_the_charges_tab_and_each_final_invoice(customer_client, contract):
    charges = customer_client.get(
        reverse("settlements:charges"), {"start": "2021-01-01", "end": "2021-12-31"}
    )
    assertContains(charges, reverse("paydocs:upd-zip"))
    assertContains(charges, "УПД за период (ZIP)")
    invoice = contract.invoices.get(number="ЭРО-1")
    page = customer_client.get(reverse("settlements:invoice", args=[invoice.pk]))
    assertContains(page, reverse("paydocs:upd", args=[invoice.pk]))


def test_an_invoice_is_drawn_once_until_what_it_shows_changes(customer_client, supplier_bank, monkeypatch):
    from paydocs import services

    customer_client.post(NEW, {"amount": "100"})
    invoice = PaymentInvoice.objects.get()
    url = reverse("paydocs:invoice-pdf", args=[invoice.pk])
    first = customer_client.get(url).content
    assert first.startswith(b"%PDF")
    drawn = []
    monkeypatch.setattr(
        services, "payment_invoice_pdf", lambda invoice: drawn.append(invoice.pk) or b"%PDF-redrawn"
    )
    assert customer_client.get(url).content == first
    assert drawn == []
    organization = invoice.contract.organization
    organization.name = "ООО «Тепломонтаж-2»"
    organization.save()
    assert customer_client.get(url).content == b"%PDF-redrawn"
    assert drawn == [invoice.pk]


def test_an_invoice_downloads_while_the_cache_is_down(customer_client, supplier_bank, redis):
    customer_client.post(NEW, {"amount": "100"})
    invoice = PaymentInvoice.objects.get()
    with redis.down():
        response = customer_client.get(reverse("paydocs:invoice-pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
