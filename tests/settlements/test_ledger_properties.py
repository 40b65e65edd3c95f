"""Opening + charged − paid = closing, to the kopeck, for any ledger and any
period, and adjacent periods chain: a property test over random histories."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from settlements.ledger import Period, contract_balance, settlements_statement
from settlements.models import Invoice, Payment
from tests.conftest import make_contract

pytestmark = pytest.mark.django_db

FIRST = dt.date(2019, 1, 1)
LAST = dt.date(2023, 12, 31)
days = st.dates(min_value=FIRST, max_value=LAST)
# Charges and their corrections (negative), payments and refunds (negative).
amounts = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("999999.99"), places=2)
entries = st.lists(
    st.tuples(st.sampled_from(["invoice", "payment"]), days, amounts.filter(lambda amount: amount != 0)),
    max_size=40,
)
# Three days give a period (first to last) and a day to split it at.
periods = st.lists(days, min_size=3, max_size=3).map(sorted)


@pytest.fixture
def ledger_contract(db):
    # One contract for every example: each example's history is rolled back.
    return make_contract(number="40000-ЭС", inn="500100732259", kpp="")


def load(contract, history) -> None:
    Invoice.objects.bulk_create(
        Invoice(
            contract=contract,
            date=day,
            number=f"ЭРО-{index}",
            amount=amount,
            vat_amount=(amount / 6).quantize(Decimal("0.01")),
        )
        for index, (kind, day, amount) in enumerate(history)
        if kind == "invoice"
    )
    Payment.objects.bulk_create(
        Payment(contract=contract, date=day, amount=amount)
        for kind, day, amount in history
        if kind == "payment"
    )


def expected(history, kind: str, start: dt.date, end: dt.date) -> Decimal:
    return sum((amount for k, day, amount in history if k == kind and start <= day <= end), Decimal("0.00"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=entries, bounds=periods)
def test_balances_add_up_and_adjacent_periods_chain(ledger_contract, history, bounds):
    start, split, end = bounds
    with transaction.atomic():
        load(ledger_contract, history)
        whole = settlements_statement(contract=ledger_contract, period=Period(start, end))

        before = dt.date.min
        day_before = start - dt.timedelta(days=1)
        assert whole.opening == expected(history, "invoice", before, day_before) - expected(
            history, "payment", before, day_before
        )
        assert whole.charged == expected(history, "invoice", start, end)
        assert whole.paid == expected(history, "payment", start, end)
        # The closing balance is everything charged less everything paid up
        # to the period's last day, whatever happened before the period.
        assert whole.closing == expected(history, "invoice", before, end) - expected(
            history, "payment", before, end
        )
        assert whole.closing == contract_balance(contract=ledger_contract, on=end).amount
        assert len(whole.rows) == sum(1 for _, day, _ in history if start <= day <= end)
        assert [row.date for row in whole.rows] == sorted(row.date for row in whole.rows)

        if split < end:
            first = settlements_statement(contract=ledger_contract, period=Period(start, split))
            second = settlements_statement(
                contract=ledger_contract, period=Period(split + dt.timedelta(days=1), end)
            )
            assert first.opening == whole.opening
            assert first.closing == second.opening
            assert second.closing == whole.closing
            assert first.charged + second.charged == whole.charged
            assert first.paid + second.paid == whole.paid
        transaction.set_rollback(True)
