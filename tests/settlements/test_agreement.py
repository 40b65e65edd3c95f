"""The page, the PDF and the workbook of a period show the same figures, to
the kopeck, including corrections, refunds and an overpayment."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from enser_cabinet.formatting import format_money as _format_money
from settlements.ledger import Period, charges_statement, payments_statement, settlements_statement
from settlements.templatetags.settlements_format import format_plain
from tests.conftest import client_for, make_contract, make_invoice, make_payment
from tests.settlements.conftest import html, pdf_text, workbook

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2022-02-01", "end": "2022-06-30"}


@pytest.fixture
def busy_contract(db):
    contract = make_contract(number="50000-ЭС")
    for day, total in [
        (dt.date(2022, 1, 31), "10000.01"),
        (dt.date(2022, 2, 28), "12345.67"),
        (dt.date(2022, 3, 31), "9876.54"),
        (dt.date(2022, 4, 30), "-1234.56"),  # a correction
        (dt.date(2022, 5, 31), "1000000.05"),
        (dt.date(2022, 7, 31), "500.00"),
    ]:
        make_invoice(contract, day, total)
    for day, amount in [
        (dt.date(2022, 1, 15), "3333.33"),
        (dt.date(2022, 3, 1), "20000.00"),
        (dt.date(2022, 3, 1), "0.01"),
        (dt.date(2022, 4, 10), "-150.00"),  # a refund
        (dt.date(2022, 6, 30), "1100000.00"),
        (dt.date(2022, 7, 1), "1.00"),
    ]:
        make_payment(contract, day, amount)
    return contract


def format_money(amount: Decimal) -> str:
    """As the page and the PDF read back (non-breaking spaces as spaces)."""
    return _format_money(amount).replace("\xa0", " ")


def cells(content: bytes, sheet: str, label: str) -> list:
    for row in workbook(content)[sheet].iter_rows(values_only=True):
        if row[0] == label:
            return list(row)
    raise AssertionError(f"no row {label!r}")


def as_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_settlements_agree_everywhere(busy_contract):
    statement = settlements_statement(
        contract=busy_contract, period=Period(dt.date(2022, 2, 1), dt.date(2022, 6, 30))
    )
    opening, charged, paid, closing = (
        statement.opening, statement.charged, statement.paid, statement.closing,
    )  # fmt: skip
    assert opening == Decimal("6666.68")
    assert closing < 0
    assert opening + charged - paid == closing
    client = client_for(busy_contract)

    page = html(client.get(reverse("settlements:settlements"), PERIOD))
    row = re.compile(r"<th scope=\"row\">{}</th><td class=\"num[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>")
    assert re.search(row.pattern.format("Итого"), page).groups() == (
        format_money(charged), format_money(paid),
    )  # fmt: skip
    assert re.search(row.pattern.format("Сальдо на начало периода:"), page)[1] == format_money(opening)
    assert re.search(row.pattern.format("Сальдо на конец периода:"), page)[1] == format_money(closing)

    text = "\n".join(pdf_text(client.get(reverse("settlements:settlements-pdf"), PERIOD).content))
    assert f"Сальдо на начало периода: {format_money(opening)}" in text
    assert f"Итого за период: {format_money(charged)} {format_money(paid)}" in text
    assert f"Сальдо на конец периода: {format_money(closing)} (переплата)" in text

    content = client.get(reverse("settlements:settlements-xlsx"), PERIOD).content
    assert as_decimal(cells(content, "Взаиморасчеты", "Сальдо на начало периода:")[1]) == opening
    assert [as_decimal(v) for v in cells(content, "Взаиморасчеты", "Итого")[1:3]] == [charged, paid]
    assert as_decimal(cells(content, "Взаиморасчеты", "Сальдо на конец периода:")[1]) == closing


def test_charges_and_payments_agree_everywhere(busy_contract):
    period = Period(dt.date(2022, 2, 1), dt.date(2022, 6, 30))
    charges = charges_statement(contract=busy_contract, period=period)
    payments = payments_statement(contract=busy_contract, period=period)
    client = client_for(busy_contract)

    page = html(client.get(reverse("settlements:charges"), PERIOD))
    tfoot = page.split("<tfoot>", 1)[1]
    assert format_money(charges.amount) in tfoot and format_money(charges.vat_amount) in tfoot
    text = "\n".join(pdf_text(client.get(reverse("settlements:charges-pdf"), PERIOD).content))
    assert f"Итого, р.: {format_plain(charges.amount)} {format_plain(charges.vat_amount)}" in text
    content = client.get(reverse("settlements:charges-xlsx"), PERIOD).content
    totals = cells(content, "Начисления", "Итого")
    assert [as_decimal(totals[2]), as_decimal(totals[3])] == [charges.amount, charges.vat_amount]

    page = html(client.get(reverse("settlements:payments"), PERIOD))
    assert format_money(payments.total) in page.split("<tfoot>", 1)[1]
    content = client.get(reverse("settlements:payments-xlsx"), PERIOD).content
    assert as_decimal(cells(content, "Оплаты", "Итого")[1]) == payments.total == Decimal("1119850.01")
