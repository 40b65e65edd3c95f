from django import forms
from django.contrib.auth import authenticate

from accounts.validators import normalize_contract_number

SIGN_IN_FAILED = "Неверный номер договора или ИНН/пароль."


class SignInForm(forms.Form):
    contract_number = forms.CharField(
        label="Номер договора",
        max_length=40,
        help_text="В формате 00000-ЭС",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "placeholder": "00000-ЭС", "autofocus": True}
        ),
    )
    secret = forms.CharField(
        label="ИНН/Пароль",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember = forms.BooleanField(label="Запомнить данные", required=False)

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean_contract_number(self) -> str:
        number = normalize_contract_number(self.cleaned_data["contract_number"])
        if number is None:
            raise forms.ValidationError("Номер договора указывается в формате 00000-ЭС, например 12345-ЭС.")
        return number

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.user = authenticate(
            self.request, contract_number=cleaned["contract_number"], secret=cleaned["secret"]
        )
        if self.user is None:
            # One message, whichever of the two was wrong.
            raise forms.ValidationError(SIGN_IN_FAILED, code="invalid_login")
        return cleaned
