from django import forms

from staff.second_factor import code_normalize


class CodeForm(forms.Form):
    """ "Код из приложения": six digits from the authenticator app, or one of
    the recovery codes."""

    code = forms.CharField(
        label="Код из приложения",
        max_length=32,
        help_text="Шесть цифр из приложения-аутентификатора или один из кодов восстановления.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": "Введите код из приложения."},
    )

    def clean_code(self) -> str:
        return code_normalize(self.cleaned_data["code"])


class EnrolForm(CodeForm):
    """The code that confirms a newly added app: the app's six digits only."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "Шесть цифр, которые приложение показывает для этого входа."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
