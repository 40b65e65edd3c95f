"""The load benchmark's generated history, at a tiny size: it fits the
models as they are, so the full-size run does not fail after minutes."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import Contract
from bench.load import history_generate
from settlements.ledger import contract_balance
from settlements.models import Invoice, InvoiceLine, Payment

pytestmark = pytest.mark.django_db


def test_generated_contracts_have_monthly_invoices_lines_and_payments():
    history_generate(contracts=3, months=14, today=dt.date(2026, 12, 3))
    contracts = Contract.objects.filter(number__in=["20000-ЭС", "20001-ЭС", "20002-ЭС"])
    assert contracts.count() == 3
    assert Invoice.objects.filter(contract__in=contracts).count() == 42
    assert InvoiceLine.objects.filter(invoice__contract__in=contracts).count() == 84
    assert Payment.objects.filter(contract__in=contracts).count() == 42
    dates = sorted(Invoice.objects.filter(contract=contracts[0]).values_list("date", flat=True))
    assert dates[0] == dt.date(2025, 10, 31) and dates[-1] == dt.date(2026, 11, 30)
    # 14 charges of 2 400,00 and 14 payments of 2 000,00: 5 600,00 owed.
    assert contract_balance(contract=contracts[0]).amount == Decimal("5600.00")
