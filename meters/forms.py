from django import forms

from meters import rules
from meters.models import Meter


class ReadingForm(forms.Form):
    """The two parts of a reading, sized to the meter's display (`001383,725`)."""

    whole = forms.CharField(label="Основная часть (до запятой)", max_length=20)
    fraction = forms.CharField(label="Дробная часть (после запятой)", max_length=20, required=False)

    def __init__(self, *args, meter: Meter, **kwargs):
        super().__init__(*args, **kwargs)
        self.meter = meter
        for name, digits in (("whole", meter.digits_before), ("fraction", meter.digits_after)):
            field = self.fields[name]
            field.widget.attrs.update(
                {
                    "maxlength": digits,
                    "size": digits + 1,
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    # Each width is a class of the stylesheet: the pages allow no inline style.
                    "class": f"digits digits--{max(digits, 1)}",
                }
            )
            field.help_text = f"{digits} {rules.digits_word(digits)}, как на табло"
        if meter.digits_after == 0:
            del self.fields["fraction"]
        # The customer types the reading straight away, from its first digit.
        self.fields["whole"].widget.attrs["autofocus"] = True

    def add_error(self, field, error):
        super().add_error(field, error)
        # After a mistake the cursor waits in the first part that has one.
        first = next((name for name in self.fields if name in self.errors), None)
        if first is not None:
            for part in self.fields.values():
                part.widget.attrs.pop("autofocus", None)
            self.fields[first].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        whole = self.data.get(self.add_prefix("whole"), "")
        fraction = self.data.get(self.add_prefix("fraction"), "") if "fraction" in self.fields else ""
        if "whole" not in self.errors:
            try:
                cleaned["value"] = rules.value_from_parts(self.meter, whole, fraction)
            except rules.ReadingRefused as refused:
                self.add_error(refused.field if refused.field in self.fields else None, refused.message)
        return cleaned
