"""Statements are made once until the data changes: a repeated download
comes from the cache, and any change of invoices, lines, payments or
requisites (by the cabinet's code or by set-based SQL as the billing import
writes) gives a fresh file."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import Contract
from settlements.models import InvoiceLine, Payment
from tests.conftest import client_for, make_invoice, make_payment
from tests.settlements.conftest import MANUAL_PERIOD, pdf_text

pytestmark = pytest.mark.django_db

PDF = reverse("settlements:settlements-pdf")
XLSX = reverse("settlements:charges-xlsx")


def version(contract: Contract) -> int:
    return Contract.objects.values_list("data_version", flat=True).get(pk=contract.pk)


def test_a_repeated_download_is_the_same_file_without_reading_the_ledger(contract):
    customer = client_for(contract)
    first = customer.get(PDF, MANUAL_PERIOD)
    with CaptureQueriesContext(connection) as queries:
        again = customer.get(PDF, MANUAL_PERIOD)
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    tables = " ".join(query["sql"] for query in queries)
    assert "settlements_invoice" not in tables and "settlements_payment" not in tables


def test_a_new_payment_gives_a_new_statement(contract):
    customer = client_for(contract)
    before = "\n".join(pdf_text(customer.get(PDF, MANUAL_PERIOD).content))
    make_payment(contract, dt.date(2021, 12, 15), "1234.56")
    after = "\n".join(pdf_text(customer.get(PDF, MANUAL_PERIOD).content))
    assert "1 234,56" not in before and "1 234,56" in after


def test_every_kind_of_change_raises_the_version(contract, other_contract):
    stranger = version(other_contract)
    invoice = make_invoice(contract, dt.date(2021, 12, 31), "100.00", number="ЭРО-9")
    seen = version(contract)
    changes = [
        lambda: InvoiceLine.objects.filter(invoice=invoice).update(installation="Склад"),
        lambda: InvoiceLine.objects.filter(invoice=invoice).delete(),
        lambda: make_payment(contract, dt.date(2021, 12, 20), "5.00"),
        lambda: Payment.objects.filter(contract=contract).update(amount=Decimal("6.00")),
        lambda: Payment.objects.filter(contract=contract).delete(),
        lambda: invoice.delete(),
    ]
    for change in changes:
        change()
        assert version(contract) > seen
        seen = version(contract)
    assert version(other_contract) == stranger


def test_set_based_sql_raises_each_contract_once_per_statement(contract, other_contract):
    """As the billing import writes: one INSERT … SELECT for many contracts."""
    before = {c.pk: version(c) for c in (contract, other_contract)}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO settlements_payment"
            " (contract_id, date, amount, document_number, operation_type, purpose)"
            " SELECT id, '2021-12-20', 10, 'ПП-' || id, 'Оплата', '' FROM accounts_contract"
            " WHERE id IN (%s, %s)",
            [contract.pk, other_contract.pk],
        )
    assert {c.pk: version(c) for c in (contract, other_contract)} == {
        pk: value + 1 for pk, value in before.items()
    }


def test_a_renamed_organization_gives_a_new_statement(contract):
    customer = client_for(contract)
    customer.get(XLSX, MANUAL_PERIOD)
    contract.organization.name = "ООО «Тепломонтаж-2»"
    contract.organization.save()
    assert "Тепломонтаж-2" in "\n".join(pdf_text(customer.get(PDF, MANUAL_PERIOD).content))


def test_one_customer_never_gets_anothers_cached_statement(contract, other_contract):
    mine = client_for(contract).get(PDF, MANUAL_PERIOD)
    theirs = client_for(other_contract).get(PDF, MANUAL_PERIOD)
    assert contract.number in "\n".join(pdf_text(mine.content))
    text = "\n".join(pdf_text(theirs.content))
    assert other_contract.number in text and contract.number not in text


def test_while_redis_is_down_a_download_is_refused_in_russian(contract, redis):
    customer = client_for(contract)
    customer.get(XLSX, MANUAL_PERIOD)
    with redis.down():
        refused = customer.get(XLSX, MANUAL_PERIOD)
    assertContains(refused, "Сервис временно недоступен", status_code=503)
