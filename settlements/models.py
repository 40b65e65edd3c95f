"""Charges and payments, as billing sends them. Append-only: a mistake is
corrected by another entry, never by editing or deleting one."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from accounts.models import Contract
from enser_cabinet.money import MONEY_FIELD

HALF_KOPECK = Decimal("0.005")


class Invoice(models.Model):
    """A charge (начисление) on a contract."""

    # The (contract, date) index below serves lookups by contract too.
    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    date = models.DateField("дата")
    number = models.CharField("номер", max_length=50)
    operation_type = models.CharField("тип операции", max_length=100, default="Окончательный счет")
    amount = models.DecimalField("сумма, р.", **MONEY_FIELD)
    vat_amount = models.DecimalField("сумма НДС, р.", **MONEY_FIELD)

    class Meta:
        verbose_name = "начисление"
        verbose_name_plural = "начисления"
        ordering = ["date", "id"]
        # Balances sum the amounts of a contract up to a day: with the amount
        # in the index, PostgreSQL answers from the index alone.
        indexes = [
            models.Index(fields=["contract", "date"], include=["amount"], name="invoice_contract_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="invoice_number_unique"),
            # A charge or a correction of one: the VAT never exceeds the
            # total and has the total's sign.
            models.CheckConstraint(
                condition=(
                    Q(amount__gte=0, vat_amount__gte=0, vat_amount__lte=F("amount"))
                    | Q(amount__lt=0, vat_amount__lte=0, vat_amount__gte=F("amount"))
                ),
                name="invoice_vat_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} от {self.date:%d.%m.%Y}"


class InvoiceLine(models.Model):
    """A line of a charge: one service at one installation."""

    invoice = models.ForeignKey(
        Invoice, verbose_name="начисление", on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField("№ п/п", default=1)
    installation = models.CharField("установка", max_length=255)
    address = models.CharField("адрес", max_length=500, blank=True)
    tariff = models.CharField("тариф", max_length=255)
    unit = models.CharField("единица", max_length=20)
    quantity = models.DecimalField("кол-во", max_digits=14, decimal_places=4)
    price = models.DecimalField("цена, р.", **MONEY_FIELD)
    amount = models.DecimalField("сумма без НДС, р.", **MONEY_FIELD)
    vat_amount = models.DecimalField("сумма НДС, р.", **MONEY_FIELD)
    vat_rate = models.DecimalField("ставка НДС, %", max_digits=5, decimal_places=2)
    total = models.DecimalField("всего, р.", **MONEY_FIELD)
    rate_kind = models.CharField("вид ставки", max_length=100, blank=True)
    period_amount = models.DecimalField("сумма периода, р.", default=0, **MONEY_FIELD)

    class Meta:
        verbose_name = "строка начисления"
        verbose_name_plural = "строки начисления"
        ordering = ["invoice", "position", "id"]
        constraints = [
            # Exact on PostgreSQL; the half-kopeck margin is for SQLite,
            # which compares decimals as floating point.
            models.CheckConstraint(
                condition=Q(
                    total__gt=F("amount") + F("vat_amount") - HALF_KOPECK,
                    total__lt=F("amount") + F("vat_amount") + HALF_KOPECK,
                ),
                name="invoice_line_total",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="invoice_line_vat_rate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tariff}: {self.quantity} {self.unit}"


class Payment(models.Model):
    """Money received on a contract (or returned, with a negative amount)."""

    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    date = models.DateField("дата")
    amount = models.DecimalField("сумма, р.", **MONEY_FIELD)
    operation_type = models.CharField("вид операции", max_length=100, default="Оплата")
    document_number = models.CharField("номер платежного документа", max_length=50, blank=True)
    # As the payer wrote it in the payment order, when billing has it: the
    # number of a «Счёт на оплату» in it marks that invoice paid (paydocs).
    purpose = models.CharField("назначение платежа", max_length=210, blank=True, default="", db_default="")

    class Meta:
        verbose_name = "оплата"
        verbose_name_plural = "оплаты"
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["contract", "date"], include=["amount"], name="payment_contract_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payment_amount_not_zero"),
            # The billing import's natural key of a payment.
            models.UniqueConstraint(
                fields=["contract", "document_number", "date"],
                condition=~Q(document_number=""),
                name="payment_document_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation_type} {self.amount} от {self.date:%d.%m.%Y}"
