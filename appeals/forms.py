import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from phonenumber_field.formfields import PhoneNumberField

from accounts.contact_forms import EMAIL_INVALID, PHONE_INVALID
from appeals.documents import ALLOWED_KINDS_TEXT, documents_validate
from appeals.models import AppealType, Branch, PremisesType

REPICK_FILES = "Файлы не сохранены: выберите документы снова."
FORM_STALE = "Форма устарела: проверьте поля и отправьте обращение еще раз."
FORM_SPENT = "Эта форма уже отправлена. Проверьте поля и отправьте обращение еще раз."
FORM_KEY_SALT = "appeals.form-token"


def form_token_issue() -> str:
    """A new form's one-time key, signed so that only keys this site gave out are taken."""
    return signing.Signer(salt=FORM_KEY_SALT).sign(secrets.token_urlsafe(16))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        return [single(item, initial) for item in data]


class ActiveChoiceField(forms.ModelChoiceField):
    def __init__(self, model, **kwargs):
        super().__init__(queryset=model.objects.filter(is_active=True), empty_label="— выберите —", **kwargs)


class AppealForm(forms.Form):
    premises_type = ActiveChoiceField(PremisesType, label="Вид помещения")
    organization_name = forms.CharField(label="Наименование организации", max_length=255)
    appeal_type = ActiveChoiceField(AppealType, label="Вид обращения")
    branch = ActiveChoiceField(Branch, label="Отделение")
    phone = PhoneNumberField(
        label="Контактный телефон",
        region="RU",
        error_messages={"invalid": PHONE_INVALID},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="Адрес электронной почты",
        error_messages={"invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    premises_address = forms.CharField(label="Адрес помещения", max_length=500)
    message = forms.CharField(
        label="Текст обращения", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    documents = MultipleFileField(label="Документы", required=False)
    consent_personal_data = forms.BooleanField(
        label="Даю согласие на обработку моих персональных данных",
        error_messages={
            "required": "Без согласия на обработку персональных данных обращение не принимается."
        },
    )
    consent_accuracy = forms.BooleanField(
        label="Подтверждаю достоверность указанных сведений и приложенных документов",
        error_messages={"required": "Подтвердите достоверность сведений."},
    )
    # Hidden from people (CSS and aria-hidden); only robots fill it in.
    website = forms.CharField(label="Не заполняйте это поле", required=False)
    # The form's one-time key (see page_token); cleaned, the unsigned value.
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = (
            f"До {settings.APPEAL_MAX_FILES} файлов, каждый не больше "
            f"{filesizeformat(settings.APPEAL_MAX_FILE_SIZE)}, вместе не больше "
            f"{filesizeformat(settings.APPEAL_MAX_TOTAL_SIZE)}: {ALLOWED_KINDS_TEXT}."
        )
        self.fields["documents"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.odt"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if self.fields["branch"].queryset.count() == 1:
            self.fields["branch"].initial = self.fields["branch"].queryset.get()
        self.document_kinds = []

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    @property
    def page_token(self) -> str:
        """The key the page carries: the one sent while it is good and unspent, else a new one."""
        if self.is_bound and "token" not in self.errors:
            return self.data["token"]
        return form_token_issue()

    def clean_token(self) -> str:
        try:
            return signing.Signer(salt=FORM_KEY_SALT).unsign(self.cleaned_data["token"])
        except signing.BadSignature:
            raise forms.ValidationError(FORM_STALE) from None

    def token_spent(self) -> None:
        """Someone else's appeal was filed with this key: the page comes back with a new one."""
        self.add_error("token", FORM_SPENT)
        if self.cleaned_data.get("documents") and "documents" not in self.errors:
            self.add_error("documents", REPICK_FILES)

    def clean_documents(self):
        files = self.cleaned_data["documents"]
        try:
            self.document_kinds = documents_validate(files)
        except forms.ValidationError as error:
            raise forms.ValidationError([*error.error_list, forms.ValidationError(REPICK_FILES)]) from None
        return files

    def clean(self):
        cleaned = super().clean()
        if "documents" in cleaned and not cleaned["documents"] and not cleaned.get("message", "").strip():
            self.add_error("message", "Опишите обращение или приложите документы.")
        if self.errors and cleaned.get("documents") and "documents" not in self.errors:
            # Browsers cannot keep chosen files across a re-rendered form.
            self.add_error("documents", REPICK_FILES)
        return cleaned
