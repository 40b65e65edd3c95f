from decimal import Decimal, InvalidOperation

from django import forms

MAX_AMOUNT = Decimal("999999999.99")


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
        max_length=210,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Если оставить пустым: оплата по договору с суммой НДС.",
        error_messages={"max_length": "Назначение платежа: не более 210 знаков (столько берет банк)."},
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
