"""An issued «Счёт на оплату» is marked paid by the payment from billing
that names it, and «Оплаты» shows each issued invoice with its state."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from billing.reader import PAYMENTS, recognise
from paydocs.matching import invoice_numbers
from paydocs.models import PaymentInvoice
from settlements.models import Payment
from tests.billing.conftest import write_csv

pytestmark = pytest.mark.django_db
NEW = reverse("paydocs:invoice-new")
DECEMBER = reverse("settlements:payments") + "?start=2026-12-01&end=2026-12-31"
HEADER = ["contract_number", "document_number", "payment_date", "amount", "operation_type", "purpose"]


@pytest.fixture
def issued(customer_client, supplier_bank, clock) -> PaymentInvoice:
    clock.set(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC))
    customer_client.post(NEW, {"amount": "22 813,54", "purpose": ""})
    return PaymentInvoice.objects.get()


def import_payments(tmp_path, rows: list[list[str]], capsys=None) -> str:
    path = write_csv(tmp_path / "payments.csv", HEADER, rows)
    call_command("import_billing", str(path))
    return capsys.readouterr().out if capsys else ""


@pytest.mark.parametrize(
    ("purpose", "numbers"),
    [
        ("Оплата по счету № 17 от 03.12.2026 по договору № 12345-ЭС", {17}),
        ("Оплата по счёту №17", {17}),
        ("оплата сч. 17 за декабрь", {17}),
        ("Оплата по счету на оплату № 17", {17}),
        ("Счет N 17, счет № 18", {17, 18}),
        ("Оплата по договору № 12345-ЭС за теплоснабжение", set()),
        ("Оплата счет-фактура № 5", set()),
        ("Оплата по счету № 12345-ЭС", set()),
        ("", set()),
    ],
)
def test_the_invoice_numbers_a_purpose_names(purpose, numbers):
    assert invoice_numbers(purpose) == numbers


def test_a_payments_file_reads_with_and_without_the_purpose_column():
    assert recognise(HEADER, "payments.csv") is PAYMENTS
    assert recognise(HEADER[:-1], "payments.csv") is PAYMENTS


def test_a_payment_naming_the_invoice_marks_it_paid_once(customer_client, issued, tmp_path, capsys):
    page = customer_client.get(DECEMBER)
    assertContains(page, f'<td data-label="№">{issued.pk}</td>', html=False)
    assertContains(page, "Не оплачен")

    row = ["12345-ЭС", "ПП-555", "04.12.2026", "22813,54", "Оплата", issued.purpose]
    out = import_payments(tmp_path, [row], capsys)
    assert "Счетов на оплату отмечено оплаченными: 1." in out
    issued.refresh_from_db()
    payment = Payment.objects.get(document_number="ПП-555")
    assert issued.paid_by == payment
    assert payment.purpose == issued.purpose

    page = customer_client.get(DECEMBER)
    assertContains(page, "Оплачен 04.12.2026")
    assertContains(page, "п/п № ПП-555")
    assertNotContains(page, "Не оплачен")
    assertContains(customer_client.get(NEW), "Оплачен 04.12.2026")

    # The same file again: nothing more to mark.
    out = import_payments(tmp_path, [row], capsys)
    assert "отмечено оплаченными" not in out
    issued.refresh_from_db()
    assert issued.paid_by == payment


def test_the_earliest_of_two_payments_pays_it_and_the_other_stays_a_payment(issued, tmp_path):
    rows = [
        ["12345-ЭС", "ПП-2", "10.12.2026", "22813,54", "Оплата", f"Оплата по счету № {issued.pk}"],
        ["12345-ЭС", "ПП-1", "05.12.2026", "22813,54", "Оплата", f"Оплата по счету № {issued.pk}"],
    ]
    import_payments(tmp_path, rows)
    issued.refresh_from_db()
    assert issued.paid_by.document_number == "ПП-1"
    assert Payment.objects.filter(document_number="ПП-2", payment_invoice__isnull=True).exists()


@pytest.mark.parametrize(
    ("contract_number", "date", "amount", "purpose"),
    [
        ("12345-ЭС", "04.12.2026", "22813,53", "Оплата по счету № {pk}"),  # a kopeck short
        ("12345-ЭС", "02.12.2026", "22813,54", "Оплата по счету № {pk}"),  # before the invoice
        ("12345-ЭС", "04.12.2026", "22813,54", "Оплата по договору № {pk}"),  # not an invoice's number
        ("12345-ЭС", "04.12.2026", "22813,54", ""),  # no purpose
        ("99999-ЭС", "04.12.2026", "22813,54", "Оплата по счету № {pk}"),  # another customer's payment
    ],
)
def test_a_payment_that_does_not_pay_the_invoice_leaves_it_open(
    customer_client, issued, other_contract, tmp_path, contract_number, date, amount, purpose
):
    import_payments(
        tmp_path, [[contract_number, "ПП-9", date, amount, "Оплата", purpose.format(pk=issued.pk)]]
    )
    assert Payment.objects.filter(document_number="ПП-9").exists()
    issued.refresh_from_db()
    assert issued.paid_by is None
    assertContains(customer_client.get(DECEMBER), "Не оплачен")


def test_an_invoice_issued_shows_on_the_payments_page_at_once(customer_client, supplier_bank, clock):
    """The page is kept whole in the cache; an issued invoice is a change
    of the contract's data like a payment (paydocs migration 0003)."""
    clock.set(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC))
    assertNotContains(customer_client.get(DECEMBER), "issued-invoices")
    customer_client.post(NEW, {"amount": "100", "purpose": ""})
    invoice = PaymentInvoice.objects.get()
    page = customer_client.get(DECEMBER)
    assertContains(page, "Счета на оплату, выставленные с 01.12.2026 по 31.12.2026")
    assertContains(page, reverse("paydocs:invoice-pdf", args=[invoice.pk]))
    # Outside the period: not listed.
    assertNotContains(
        customer_client.get(reverse("settlements:payments") + "?start=2026-11-01&end=2026-11-30"),
        "issued-invoices",
    )
