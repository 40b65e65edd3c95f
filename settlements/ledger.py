"""Balances and statements of a contract: charged − paid, positive is debt.

Every read here runs a fixed number of queries whatever the history length:
a balance is one aggregate over the (contract, date) indexes, a period's rows
are one range scan on them per table.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Model, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Contract
from enser_cabinet.money import ZERO, round_money
from settlements.models import Invoice, InvoiceLine, Payment

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum_until(model: type[Model], on: dt.date | None) -> Coalesce:
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


def balance_query(*, contract: Contract, on: dt.date | None) -> QuerySet[Contract, dict]:
    """One row: what was charged and paid up to the day `on`, each summed
    from the (contract, date) index of its table."""
    return (
        Contract.objects.filter(pk=contract.pk)
        .order_by()
        .annotate(charged=_sum_until(Invoice, on), paid=_sum_until(Payment, on))
        .values("charged", "paid")
    )


def contract_balance(*, contract: Contract, on: dt.date | None = None) -> Balance:
    """The balance at the end of the day `on` (everything, when None), in one query."""
    row = balance_query(contract=contract, on=on).get()
    return Balance(charged=round_money(row["charged"]), paid=round_money(row["paid"]))


def contracts_balances(contract_ids: list[int]) -> dict[int, Balance]:
    """The balance of each contract of `contract_ids` (everything charged and
    paid), in one query however many there are: each sum is read from the
    (contract, date) index of its table, as contract_balance's."""
    rows = (
        Contract.objects.filter(pk__in=contract_ids)
        .order_by()
        .annotate(charged=_sum_until(Invoice, None), paid=_sum_until(Payment, None))
        .values("pk", "charged", "paid")
    )
    return {
        row["pk"]: Balance(charged=round_money(row["charged"]), paid=round_money(row["paid"])) for row in rows
    }


@dataclass(frozen=True)
class Period:
    """Days from start to end, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")


@dataclass(frozen=True)
class LedgerRow:
    """One line of the settlements statement: a charge or a payment."""

    date: dt.date
    charged: Decimal | None
    paid: Decimal | None
    operation_type: str
    document: str


@dataclass(frozen=True)
class SettlementsStatement:
    contract: Contract
    period: Period
    opening: Decimal
    rows: list[LedgerRow]

    @property
    def charged(self) -> Decimal:
        return sum((row.charged for row in self.rows if row.charged is not None), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((row.paid for row in self.rows if row.paid is not None), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.charged - self.paid


def settlements_statement(*, contract: Contract, period: Period) -> SettlementsStatement:
    """The opening balance, the period's charges and payments by date: three queries."""
    opening = contract_balance(contract=contract, on=period.start - dt.timedelta(days=1)).amount
    in_period = {"contract": contract, "date__range": (period.start, period.end)}
    invoices = Invoice.objects.filter(**in_period).order_by("date", "id")
    payments = Payment.objects.filter(**in_period).order_by("date", "id")
    rows = [
        LedgerRow(
            date=invoice.date,
            charged=invoice.amount,
            paid=None,
            operation_type=invoice.operation_type,
            document=invoice.number,
        )
        for invoice in invoices.only("date", "amount", "operation_type", "number")
    ] + [
        LedgerRow(
            date=payment.date,
            charged=None,
            paid=payment.amount,
            operation_type=payment.operation_type,
            document=payment.document_number,
        )
        for payment in payments.only("date", "amount", "operation_type", "document_number")
    ]
    # Stable: on one day the charges come before the payments, each in the
    # order billing recorded them.
    rows.sort(key=lambda row: row.date)
    return SettlementsStatement(contract=contract, period=period, opening=opening, rows=rows)


@dataclass(frozen=True)
class ChargedInvoice:
    invoice: Invoice
    lines: list[InvoiceLine]


@dataclass(frozen=True)
class ChargesStatement:
    contract: Contract
    period: Period
    invoices: list[ChargedInvoice]

    @property
    def amount(self) -> Decimal:
        return sum((item.invoice.amount for item in self.invoices), ZERO)

    @property
    def vat_amount(self) -> Decimal:
        return sum((item.invoice.vat_amount for item in self.invoices), ZERO)


def contract_invoices(*, contract: Contract) -> QuerySet[Invoice]:
    """The contract's charges, newest last; the only way views reach an invoice."""
    return Invoice.objects.filter(contract=contract).order_by("date", "id")


def _with_lines(invoices: QuerySet[Invoice]) -> list[ChargedInvoice]:
    """Invoices with their lines: two queries for any number of invoices."""
    return [
        ChargedInvoice(invoice=invoice, lines=list(invoice.lines.all()))
        for invoice in invoices.prefetch_related("lines")
    ]


def charges_statement(*, contract: Contract, period: Period) -> ChargesStatement:
    invoices = contract_invoices(contract=contract).filter(date__range=(period.start, period.end))
    return ChargesStatement(contract=contract, period=period, invoices=_with_lines(invoices))


def charged_invoice(*, contract: Contract, invoice_id: int) -> ChargedInvoice | None:
    """One of the contract's invoices with its lines, None for anyone else's."""
    found = _with_lines(contract_invoices(contract=contract).filter(pk=invoice_id))
    return found[0] if found else None


@dataclass(frozen=True)
class PaymentsStatement:
    contract: Contract
    period: Period
    payments: list[Payment]

    @property
    def total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)


def payments_statement(*, contract: Contract, period: Period) -> PaymentsStatement:
    payments = Payment.objects.filter(contract=contract, date__range=(period.start, period.end))
    return PaymentsStatement(contract=contract, period=period, payments=list(payments.order_by("date", "id")))


Statement = SettlementsStatement | ChargesStatement | PaymentsStatement
