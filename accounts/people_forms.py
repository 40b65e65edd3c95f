"""Forms of «Сотрудники», the invitation link and «Журнал действий»."""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin

from accounts.forms import NewPasswordMixin
from accounts.models import Contract, User
from accounts.roles import Role

ROLE_ERRORS = {"required": "Выберите роль.", "invalid_choice": "Выберите роль из списка."}


class ContractChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contract: Contract) -> str:
        return f"{contract.number} · {contract.organization.name}"


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail сотрудника",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.ru"}),
        error_messages={
            "required": "Введите e-mail сотрудника.",
            "invalid": "Введите адрес e-mail, например buh@example.ru.",
        },
    )
    role = forms.ChoiceField(label="Роль", choices=Role.choices, error_messages=ROLE_ERRORS)
    contracts = ContractChoiceField(
        label="Договоры",
        queryset=Contract.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Выберите хотя бы один договор.",
            "invalid_choice": "Выберите договоры из списка.",
            "invalid_pk_value": "Выберите договоры из списка.",
        },
    )

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the contracts where the inviting person is Администратор.
        self.fields["contracts"].queryset = contracts


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Роль", choices=Role.choices, error_messages=ROLE_ERRORS)


class AcceptNewForm(NewPasswordMixin, forms.Form):
    """A new person: a name and a password (the rules of the whole cabinet)."""

    full_name = forms.CharField(
        label="Ваше имя",
        max_length=150,
        help_text="Фамилия и имя: так вас увидят коллеги в списке сотрудников и в журнале.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Введите имя."},
    )
    new_password1, new_password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = User(username=email, email=email)
        self.label_password_fields()

    def clean(self):
        cleaned = super().clean()
        self.user.first_name = cleaned.get("full_name", "")
        self.clean_new_passwords(self.user)
        return cleaned


class AcceptExistingForm(forms.Form):
    """A person with an account: its password proves it is theirs."""

    password = forms.CharField(
        label="Пароль вашей учетной записи",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль."},
    )

    def __init__(self, *args, account: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.account.check_password(password):
            raise forms.ValidationError("Пароль неверный.")
        return password


class JournalFilterForm(forms.Form):
    person = forms.TypedChoiceField(label="Сотрудник", required=False, coerce=int, empty_value=None)
    contract = forms.TypedChoiceField(label="Договор", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, people: list[tuple[int, str]], contracts: list[Contract], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Все"), *people]
        self.fields["person"].error_messages["invalid_choice"] = "Выберите сотрудника из списка."
        self.fields["contract"].choices = [("", "Все"), *[(c.pk, c.number) for c in contracts]]
        self.fields["contract"].error_messages["invalid_choice"] = "Выберите договор из списка."
