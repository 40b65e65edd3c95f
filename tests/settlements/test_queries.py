"""Each page and download runs the same number of queries for one month of
history as for three years (a query per row would add 35 or more), and
ten years of history are all there."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Contract
from settlements.ledger import balance_query, contract_balance
from tests.conftest import client_for, make_contract
from tests.settlements.conftest import html, monthly_history, pdf_text

pytestmark = pytest.mark.django_db

TEN_YEARS = {"start": "01.01.2012", "end": "31.12.2021"}
# The user (with contract, organization and the unread notifications count
# of a page's head; the session comes from the cache), then the tab's own
# reads: the opening balance and the rows of each table, or the invoices
# and their lines, or the payments and the issued payment invoices.
BUDGET = {
    "settlements:settlements": 4,
    "settlements:settlements-pdf": 4,
    "settlements:settlements-xlsx": 4,
    "settlements:charges": 3,
    "settlements:charges-pdf": 3,
    "settlements:charges-xlsx": 3,
    "settlements:payments": 3,  # with the «Счёт на оплату» issued in the period (paydocs)
    "settlements:payments-xlsx": 2,
}


@pytest.fixture
def three_years_contract(db) -> Contract:
    """36 monthly invoices with lines, and their payments: rendering ten
    years of each download here would time the PDF engine, which bench/ does."""
    contract = make_contract(number="20003-ЭС")
    monthly_history(contract, first=dt.date(2019, 1, 1), months=36)
    return contract


@pytest.mark.parametrize(("name", "budget"), BUDGET.items())
def test_queries_do_not_grow_with_history(
    name, budget, three_years_contract, short_contract, django_assert_max_num_queries
):
    counts = []
    for contract in (short_contract, three_years_contract):
        client = client_for(contract)
        with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), TEN_YEARS)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == budget


def test_the_long_history_is_all_there(long_contract):
    client = client_for(long_contract)
    page = html(client.get(reverse("settlements:settlements"), TEN_YEARS))
    # 120 invoices of 2 400,00 and their payments of 2 000,00 ten days
    # later: December 2021's is paid in 2022.
    assert page.count("Окончательный счет") == 120
    assert page.count('<td data-label="Тип операции">Оплата</td>') == 119
    assert "288 000,00" in page and "238 000,00" in page and "50 000,00" in page
    charges = html(client.get(reverse("settlements:charges"), TEN_YEARS))
    assert charges.count("<details>") == 120
    assert charges.count("Нежилое помещение") == 240
    text = "\n".join(pdf_text(client.get(reverse("settlements:settlements-pdf"), TEN_YEARS).content))
    assert "Сальдо на конец периода: 50 000,00" in text


def test_invoice_page_queries_are_fixed(long_contract, django_assert_max_num_queries):
    client = client_for(long_contract)
    invoice = long_contract.invoices.last()
    with django_assert_max_num_queries(3):  # the user (with the unread count), the invoice, its lines
        assert client.get(reverse("settlements:invoice", args=[invoice.pk])).status_code == 200


def test_the_opening_balance_reads_the_contract_date_indexes(db):
    """With many customers' histories in the tables, the opening balance is
    summed from the (contract, date) indexes, not by scanning the tables."""
    contracts = [make_contract(number=f"{60000 + index}-ЭС") for index in range(60)]
    ids = [contract.pk for contract in contracts]
    with connection.cursor() as cursor:
        # Ten years of an invoice of 2 400,00 on each month's 28th and its
        # payment of 2 000,00 ten days later, for every contract: the balance
        # reads no invoice lines, so none are made.
        cursor.execute(
            "INSERT INTO settlements_invoice (contract_id, date, number, operation_type, amount, vat_amount)"
            " SELECT c, d, 'ЭРО-' || to_char(d, 'YYYYMM'), 'Окончательный счет', 2400, 400"
            " FROM unnest(%s::bigint[]) c,"
            "  generate_series('2012-01-28'::date, '2021-12-28'::date, interval '1 month') g(m),"
            "  LATERAL (SELECT m::date AS d) day",
            [ids],
        )
        cursor.execute(
            "INSERT INTO settlements_payment"
            " (contract_id, date, amount, operation_type, document_number, purpose)"
            " SELECT contract_id, date + 10, 2000, 'Оплата', '', '' FROM settlements_invoice"
            " WHERE contract_id = ANY(%s)",
            [ids],
        )
        cursor.execute("ANALYZE settlements_invoice")
        cursor.execute("ANALYZE settlements_payment")
    day = dt.date(2018, 1, 1)
    plan = balance_query(contract=contracts[7], on=day).explain()
    assert re.search(r"(using|on) invoice_contract_date", plan), plan
    assert re.search(r"(using|on) payment_contract_date", plan), plan
    assert "Seq Scan on settlements" not in plan
    # 72 invoices of 2 400,00 (2012–2017) and 71 payments of 2 000,00 (the
    # last one falls on 07.01.2018).
    assert contract_balance(contract=contracts[7], on=day).amount == Decimal("30800.00")
