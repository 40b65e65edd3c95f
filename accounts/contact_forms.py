"""The contacts form of "Реквизиты и контакты": one small form per position."""

from django import forms
from phonenumber_field.formfields import PhoneNumberField

from accounts.contacts import ContactRow

PHONE_INVALID = "Введите номер телефона, например +7 912 345-67-89 или 8 (3513) 29-15-35."
EMAIL_INVALID = "Введите адрес электронной почты, например buh@example.ru."


class ContactForm(forms.Form):
    full_name = forms.CharField(label="ФИО", max_length=255, required=False)
    phone = PhoneNumberField(
        label="Телефон",
        region="RU",
        required=False,
        error_messages={"invalid": PHONE_INVALID},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
    )

    def __init__(self, *args, row: ContactRow, **kwargs):
        self.row = row
        person = row.person
        initial = (
            {"full_name": person.full_name, "phone": person.phone, "email": person.email} if person else {}
        )
        super().__init__(*args, prefix=row.position.value, initial=initial, **kwargs)
        for field in self.fields.values():
            # The position names the row; the label says which one to screen readers.
            field.widget.attrs["aria-label"] = f"{field.label}: {row.position.label}"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        reachable = cleaned.get("phone") or cleaned.get("email")
        if reachable and not cleaned.get("full_name"):
            self.add_error("full_name", "Укажите ФИО контактного лица.")
        if cleaned.get("full_name") and not reachable:
            self.add_error("phone", "Укажите телефон или email.")
        return cleaned


def contact_forms_build(*, rows: list[ContactRow], data=None) -> list[ContactForm]:
    return [ContactForm(data, row=row) for row in rows]
