from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Файлы биллинга",
        help_text="CSV-файлы выгрузки: договоры, приборы учета, начисления, оплаты, показания "
        "(формат: docs/import-format.md). Можно выбрать несколько.",
    )
    confirm = forms.BooleanField(
        label="Загрузить повторно",
        required=False,
        help_text="Отметьте, если эти же файлы уже загружались и их нужно загрузить еще раз.",
    )
