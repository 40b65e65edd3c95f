from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accounts.models import Contract, Organization
from enser_cabinet.money import MONEY_FIELD
from paydocs.banking import BIK, account_key_holds, correspondent_key_holds

KEY_WITH_BIK = "20 цифр, ключ должен сходиться с БИК."


class SupplierBankAccount(models.Model):
    """The company's bank account that customers pay to: printed on every
    "Счёт на оплату", coded in its QR code and shown on "Реквизиты и
    контакты". Staff keep it in admin; the latest one saved is in use."""

    bank_name = models.CharField(
        "банк", max_length=45, help_text="Как в выписке банка, до 45 знаков (QR-код)."
    )
    bik = models.CharField("БИК", max_length=9)
    correspondent_account = models.CharField("к/с", max_length=20)
    account = models.CharField("р/с", max_length=20)
    updated_at = models.DateTimeField("изменен", auto_now=True)

    class Meta:
        verbose_name = "банковские реквизиты АО «ЭнСер»"
        verbose_name_plural = "банковские реквизиты АО «ЭнСер»"

    def __str__(self) -> str:
        return f"{self.bank_name}, р/с {self.account}"

    def clean(self) -> None:
        errors = {}
        if not BIK.match(self.bik):
            errors["bik"] = "БИК: 9 цифр, начинается с 04 (банк) или 01 (казначейство)."
        else:
            if not correspondent_key_holds(self.correspondent_account, self.bik):
                errors["correspondent_account"] = f"Корреспондентский счет: {KEY_WITH_BIK}"
            if not account_key_holds(self.account, self.bik):
                errors["account"] = f"Расчетный счет: {KEY_WITH_BIK}"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "SupplierBankAccount | None":
        return cls.objects.order_by("-updated_at", "-pk").first()


class CustomerBankAccount(models.Model):
    """The organization's own account, as the customer typed it on
    "Реквизиты и контакты": the payer of its payment orders (1C file)."""

    organization = models.OneToOneField(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="bank_account"
    )
    account = models.CharField("расчетный счет", max_length=20)
    bik = models.CharField("БИК банка", max_length=9)
    updated_at = models.DateTimeField("изменен", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кем", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "расчетный счет клиента"
        verbose_name_plural = "расчетные счета клиентов"

    def __str__(self) -> str:
        return f"{self.organization}: р/с {self.account}"


class PaymentInvoice(models.Model):
    """A "Счёт на оплату" the customer made in the cabinet: its figures are
    kept as issued, so the PDF reads the same whenever it is downloaded."""

    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.PROTECT, related_name="payment_invoices"
    )
    issued_at = models.DateTimeField("выставлен")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кем", null=True, blank=True, on_delete=models.SET_NULL
    )
    amount = models.DecimalField("сумма, р.", **MONEY_FIELD)
    vat_rate = models.DecimalField("ставка НДС, %", max_digits=5, decimal_places=2)
    vat_amount = models.DecimalField("в т.ч. НДС, р.", **MONEY_FIELD)
    purpose = models.CharField("назначение платежа", max_length=210)
    # The supplier's bank as it stood when the invoice was made.
    bank_name = models.CharField("банк", max_length=45)
    bik = models.CharField("БИК", max_length=9)
    correspondent_account = models.CharField("к/с", max_length=20)
    account = models.CharField("р/с", max_length=20)
    # The payment from billing that paid it (paydocs/matching.py).
    paid_by = models.OneToOneField(
        "settlements.Payment",
        verbose_name="оплачен платежом",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payment_invoice",
    )

    class Meta:
        verbose_name = "счет на оплату"
        verbose_name_plural = "счета на оплату"
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["contract", "-issued_at"], name="payinvoice_contract_issued")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payinvoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(vat_amount__gte=0, vat_amount__lt=models.F("amount")),
                name="payinvoice_vat_within",
            ),
        ]

    def __str__(self) -> str:
        return f"Счет на оплату № {self.number}"

    @property
    def number(self) -> str:
        return str(self.pk)
