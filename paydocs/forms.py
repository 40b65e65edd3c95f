from decimal import Decimal, InvalidOperation

from django import forms

from paydocs.banking import ACCOUNT, BIK, account_key_holds

MAX_AMOUNT = Decimal("999999999.99")
# A purpose of the customer's own follows «По счету № 123456789 от 03.12.2026. »
# within the bank's 210 characters.
OWN_PURPOSE_LENGTH = 170


class PaymentInvoiceForm(forms.Form):
    amount = forms.CharField(
        label="Сумма, ₽",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Укажите сумму."},
    )
    purpose = forms.CharField(
        label="Назначение платежа",
        required=False,
        max_length=OWN_PURPOSE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Если оставить пустым: оплата по договору с суммой НДС. "
            "Номер и дата счёта ставятся в начало сами: по ним оплата отметится у счёта."
        ),
        error_messages={
            "max_length": (
                f"Назначение платежа: не более {OWN_PURPOSE_LENGTH} знаков "
                "(с номером и датой счёта — 210, столько берет банк)."
            )
        },
    )

    def clean_amount(self) -> Decimal:
        text = "".join(self.cleaned_data["amount"].split()).replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Введите сумму в рублях, например 22 813,54.") from None
        if not amount.is_finite() or not Decimal("0.01") <= amount <= MAX_AMOUNT:
            raise forms.ValidationError("Сумма: от 0,01 до 999 999 999,99 ₽.")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError("Сумма: рубли и не более двух знаков копеек, например 22 813,54.")
        return amount.quantize(Decimal("0.01"))


class CustomerBankForm(forms.Form):
    account = forms.CharField(
        label="Расчетный счет",
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Укажите расчетный счет."},
    )
    bik = forms.CharField(
        label="БИК банка",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Укажите БИК банка."},
    )

    def clean_account(self) -> str:
        account = "".join(self.cleaned_data["account"].split())
        if not ACCOUNT.match(account):
            raise forms.ValidationError("Расчетный счет: 20 цифр.")
        return account

    def clean_bik(self) -> str:
        bik = "".join(self.cleaned_data["bik"].split())
        if not BIK.match(bik):
            raise forms.ValidationError("БИК: 9 цифр, начинается с 04.")
        return bik

    def clean(self) -> dict:
        cleaned = super().clean()
        account, bik = cleaned.get("account"), cleaned.get("bik")
        if account and bik and not account_key_holds(account, bik):
            self.add_error("account", "Расчетный счет не сходится с БИК банка: проверьте счет и БИК.")
        return cleaned
