"""Balances of a contract: charged − paid, positive is debt."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Contract
from enser_cabinet.money import ZERO, round_money
from settlements.models import Invoice, Payment

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum_until(model, on: dt.date | None):
    rows = model.objects.filter(contract=OuterRef("pk"))
    if on is not None:
        rows = rows.filter(date__lte=on)
    total = rows.order_by().values("contract").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


@dataclass(frozen=True)
class Balance:
    charged: Decimal
    paid: Decimal

    @property
    def amount(self) -> Decimal:
        return self.charged - self.paid

    @property
    def is_debt(self) -> bool:
        return self.amount > 0

    @property
    def is_overpayment(self) -> bool:
        return self.amount < 0

    @property
    def overpayment(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


def contract_balance(*, contract: Contract, on: dt.date | None = None) -> Balance:
    """The balance at the end of the day `on` (everything, when None), in one query."""
    row = (
        Contract.objects.filter(pk=contract.pk)
        .annotate(charged=_sum_until(Invoice, on), paid=_sum_until(Payment, on))
        .values("charged", "paid")
        .get()
    )
    return Balance(charged=round_money(row["charged"]), paid=round_money(row["paid"]))
