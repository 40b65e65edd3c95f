import phonenumbers
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.contrib.auth.forms import SetPasswordForm as BaseSetPasswordForm
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from phonenumber_field.formfields import PhoneNumberField

from accounts.activation import ActivationCodeError, activation_code_match
from accounts.backends import AmbiguousEmail
from accounts.models import ActivationCode, Contract, User
from accounts.registration import registration_open_by_inn
from accounts.validators import normalize_contract_number

SIGN_IN_FAILED = "Неверный номер договора или ИНН/пароль."
BAD_NUMBER = "Номер договора указывается в формате 00000-ЭС, например 12345-ЭС."
BAD_EMAIL = "Введите номер договора в формате 00000-ЭС или e-mail, например buh@example.ru."
AMBIGUOUS_EMAIL = (
    "Этот e-mail указан у нескольких учетных записей. Войдите по номеру договора и паролю "
    "или обратитесь в АО «ЭнСер», чтобы объединить их."
)


def _contract_number_field(*, max_length: int = 40, help_text: str = "В формате 00000-ЭС") -> forms.CharField:
    return forms.CharField(
        label="Номер договора",
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "placeholder": "00000-ЭС", "autofocus": True}
        ),
    )


def _contract_number_clean(value: str) -> str:
    number = normalize_contract_number(value)
    if number is None:
        raise forms.ValidationError(BAD_NUMBER)
    return number


def _email_clean(value: str) -> str:
    """The e-mail of a personal account typed in the "Номер договора" field."""
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise forms.ValidationError(BAD_EMAIL) from None
    return email


class SignInForm(forms.Form):
    """ "Номер договора" takes the number, as the manual shows, or the e-mail
    of a person's own account: one field, told apart by the "@"."""

    contract_number = _contract_number_field(
        max_length=254, help_text="В формате 00000-ЭС или e-mail личной учетной записи"
    )
    secret = forms.CharField(
        label="ИНН/Пароль",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember = forms.BooleanField(label="Запомнить данные", required=False)

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs):
        self.request = request
        # After a valid form, one of the two: the user to sign in, or the
        # contract whose registration the INN opened.
        self.user: User | None = None
        self.registration_contract: Contract | None = None
        # Set when the field held an e-mail rather than a contract number.
        self.email: str | None = None
        super().__init__(*args, **kwargs)

    def clean_contract_number(self) -> str:
        value = self.cleaned_data["contract_number"]
        if "@" not in value:
            return _contract_number_clean(value)
        self.email = _email_clean(value)
        return self.email

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        number, secret = cleaned["contract_number"], cleaned["secret"]
        if self.email is not None:
            try:
                self.user = authenticate(self.request, email=self.email, secret=secret)
            except AmbiguousEmail:
                raise forms.ValidationError(AMBIGUOUS_EMAIL, code="ambiguous_email") from None
            if self.user is None:
                raise forms.ValidationError(SIGN_IN_FAILED, code="invalid_login")
            return cleaned
        self.registration_contract = registration_open_by_inn(contract_number=number, inn=secret)
        if self.registration_contract is not None:
            return cleaned
        self.user = authenticate(self.request, contract_number=number, secret=secret)
        if self.user is None:
            # One message, whichever of the two was wrong.
            raise forms.ValidationError(SIGN_IN_FAILED, code="invalid_login")
        return cleaned


# Registration, password recovery and change.

PASSWORDS_DIFFER = "Пароли не совпадают."
LABEL_NEW = "Введите новый пароль"
LABEL_REPEAT = "Подтвердите новый пароль"


def password_note() -> str:
    return (
        f"Длина пароля должна быть не менее {settings.PASSWORD_MIN_LENGTH} "
        f"и не более {settings.PASSWORD_MAX_LENGTH} символов"
    )


def password_rules() -> str:
    """The rules of AUTH_PASSWORD_VALIDATORS besides the length (which
    password_note tells), in their own words, shown by the new-password field
    before the first try rather than only after a refusal."""
    return " ".join(
        str(validator.get_help_text())
        for validator in get_default_password_validators()
        if not hasattr(validator, "min_length") and not hasattr(validator, "max_length")
    )


class NewPasswordMixin(SetPasswordMixin):
    """Two new-password fields: they must match (error on the second) and pass
    AUTH_PASSWORD_VALIDATORS (errors on the first, where the length note is).
    There is no max_length on the fields: an over-long password is refused
    with a message, never cut short by the browser."""

    error_messages = {"password_mismatch": PASSWORDS_DIFFER}

    def label_password_fields(self) -> None:
        for name, label in (("new_password1", LABEL_NEW), ("new_password2", LABEL_REPEAT)):
            self.fields[name].label = label
            self.fields[name].help_text = password_rules() if name == "new_password1" else ""

    def clean_new_passwords(self, user) -> None:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(user, "new_password1")


class RegistrationForm(NewPasswordMixin, forms.Form):
    METHOD_CHOICES = [("email", "По электронной почте"), ("sms", "По SMS")]

    contract_number = forms.CharField(label="Номер договора", disabled=True, required=False)
    new_password1, new_password2 = SetPasswordMixin.create_password_fields()
    email = forms.EmailField(
        label="Адрес e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.ru"}),
        error_messages={"invalid": "Введите адрес e-mail, например buh@example.ru."},
    )
    phone = PhoneNumberField(
        label="Номер телефона",
        region="RU",
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "placeholder": "+7(902)000-00-00"}
        ),
        error_messages={"invalid": "Введите номер мобильного телефона, например +7(902)123-45-67."},
    )
    method = forms.ChoiceField(
        label="Способ подтверждения регистрации",
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        initial="email",
        error_messages={"required": "Выберите способ подтверждения: по электронной почте или по SMS."},
    )
    consent = forms.BooleanField(
        label="Подтверждаю свое согласие на обработку персональных данных",
        error_messages={"required": "Без согласия на обработку персональных данных регистрация невозможна."},
    )

    def __init__(self, *args, contract, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.contract = contract
        # The activation code the customer typed, once it matched (REGISTRATION_REQUIRES_CODE).
        self.activation_code: ActivationCode | None = None
        self.label_password_fields()
        self.fields["contract_number"].initial = contract.number
        self.fields["contract_number"].widget.attrs["readonly"] = True
        if settings.REGISTRATION_REQUIRES_CODE:
            self.fields["activation_code"] = forms.CharField(
                label="Код активации",
                max_length=32,
                help_text="Напечатан в счете АО «ЭнСер» или выдан сотрудниками АО «ЭнСер»",
                widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "XXXXX-XXXXX"}),
                error_messages={"required": "Введите код активации из счета АО «ЭнСер»."},
            )
            # Right after the contract number, as it belongs to it.
            order = ["contract_number", "activation_code"]
            self.order_fields(order + [name for name in self.fields if name not in order])

    def clean_activation_code(self) -> str:
        typed = self.cleaned_data["activation_code"]
        try:
            self.activation_code = activation_code_match(contract=self.contract, typed=typed)
        except ActivationCodeError as error:
            raise forms.ValidationError(str(error), code="activation_code") from None
        return typed

    def clean_phone(self):
        return mobile_phone_clean(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        # The similarity check compares the password with the e-mail typed here too.
        self.user.email = cleaned.get("email", "")
        self.clean_new_passwords(self.user)
        return cleaned

    def keep_passwords(self) -> None:
        """After a failed delivery, give the typed passwords back rather than lose them."""
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.render_value = True


def mobile_phone_clean(phone):
    if phone.country_code != 7 or phonenumbers.number_type(phone) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise forms.ValidationError(
            "Нужен номер мобильного телефона России (+7): на него придет SMS.", code="not_mobile"
        )
    return phone


class PhoneForm(forms.Form):
    """The phone on the SMS step, which the customer may correct before a resend."""

    phone = RegistrationForm.base_fields["phone"]

    def clean_phone(self):
        return mobile_phone_clean(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Код подтверждения",
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": "Введите код из SMS."},
    )


class PasswordResetStartForm(forms.Form):
    """ "Номер договора", or the e-mail of a personal account, as at sign-in."""

    contract_number = _contract_number_field(
        max_length=254, help_text="В формате 00000-ЭС или e-mail личной учетной записи"
    )

    def clean_contract_number(self) -> str:
        """The identifier as recovery keeps it: the normalized number, or the
        e-mail in lower case."""
        value = self.cleaned_data["contract_number"]
        if "@" not in value:
            return _contract_number_clean(value)
        return _email_clean(value).lower()


class PasswordResetMethodForm(forms.Form):
    """Where to send: no contact is shown, masked or not, so the page is the
    same whatever the number or address typed belongs to. An e-mail typed
    gets the letter only (a personal account has no SMS recovery)."""

    method = forms.ChoiceField(
        label="Куда отправить ссылку или код",
        widget=forms.RadioSelect,
        error_messages={"required": "Выберите, куда отправить: на e-mail или по SMS."},
    )

    def __init__(self, *args, by_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("email", "По электронной почте: на адрес e-mail, указанный в личном кабинете")]
        if not by_email:
            choices.append(("sms", "По SMS: на номер телефона, указанный в личном кабинете"))
        self.fields["method"].choices = choices
        if by_email:
            self.fields["method"].initial = "email"


class SetPasswordForm(NewPasswordMixin, BaseSetPasswordForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.label_password_fields()

    def clean(self):
        self.clean_new_passwords(self.user)
        return forms.Form.clean(self)


class PasswordChangeForm(NewPasswordMixin, BasePasswordChangeForm):
    error_messages = {
        **NewPasswordMixin.error_messages,
        "password_incorrect": "Текущий пароль введен неверно.",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.label_password_fields()
        self.fields["old_password"].label = "Текущий пароль"

    def clean(self):
        self.clean_new_passwords(self.user)
        return forms.Form.clean(self)
