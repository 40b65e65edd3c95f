from django import forms

from accounts.forms import BAD_NUMBER
from accounts.validators import normalize_contract_number

ADD_REFUSED = (
    "Договор не добавлен: проверьте номер договора и пароль. Добавить можно только "
    "зарегистрированный договор вашей организации (с тем же ИНН)."
)


class ContractSelectForm(forms.Form):
    """The switcher's choice of a contract (the page to go back to is read
    apart: whatever it holds, the choice stands)."""

    contract = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class ContractAddForm(forms.Form):
    contract_number = forms.CharField(
        label="Номер договора",
        max_length=40,
        help_text="В формате 00000-ЭС",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "00000-ЭС"}),
    )
    password = forms.CharField(
        label="Пароль",
        max_length=128,
        strip=False,
        help_text="Пароль, с которым входят по номеру этого договора",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def clean_contract_number(self) -> str:
        number = normalize_contract_number(self.cleaned_data["contract_number"])
        if number is None:
            raise forms.ValidationError(BAD_NUMBER)
        return number
