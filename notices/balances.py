"""Balances of many contracts at once (charged − paid): two aggregate
queries whatever their number, for the import's news and the debt reminder."""

from decimal import Decimal

from django.db.models import Sum

from enser_cabinet.money import ZERO, round_money
from settlements.models import Invoice, Payment


def balances(*, contract_ids: list[int] | None = None) -> dict[int, Decimal]:
    """Each contract's balance; positive is debt. None: every contract with a charge or a payment."""
    invoices, payments = Invoice.objects.all(), Payment.objects.all()
    if contract_ids is not None:
        invoices, payments = (
            invoices.filter(contract_id__in=contract_ids),
            payments.filter(contract_id__in=contract_ids),
        )
    found: dict[int, Decimal] = {}
    for row in invoices.order_by().values("contract_id").annotate(total=Sum("amount")):
        found[row["contract_id"]] = row["total"]
    for row in payments.order_by().values("contract_id").annotate(total=Sum("amount")):
        found[row["contract_id"]] = found.get(row["contract_id"], ZERO) - row["total"]
    return {contract_id: round_money(amount) for contract_id, amount in found.items()}
