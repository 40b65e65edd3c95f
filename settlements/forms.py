"""The period of a statement, as the customer picks it or edits the address.

One form reads it for every page and download of the three tabs, so a bad
date gets the same Russian message next to its field and a 400 everywhere.
"""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from enser_cabinet.dates import years_after
from settlements.ledger import Period

# HTML date inputs send ISO dates; people type (and old browsers send) dd.mm.yyyy.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
MAX_YEARS = 10
# Billing has nothing before the company existed and nothing far ahead; the
# bounds also keep date arithmetic (a day before, ten years after) in range.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2099, 12, 31)

INVALID_DATE = "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d", attrs={"min": EARLIEST.isoformat(), "max": LATEST.isoformat()})


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"required": "Укажите дату.", "invalid": INVALID_DATE},
    )


def current_year(today: dt.date) -> Period:
    return Period(start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31))


class PeriodForm(forms.Form):
    start = _date_field("Начальная дата")
    end = _date_field("Конечная дата")

    def __init__(self, query: QueryDict, *, today: dt.date):
        """`query` is request.GET; a date it lacks is the current year's bound."""
        default = current_year(today)
        data = {
            "start": query.get("start", default.start.isoformat()),
            "end": query.get("end", default.end.isoformat()),
        }
        super().__init__(data)

    def full_clean(self):
        super().full_clean()
        # The date inputs show ISO values only: a date typed as dd.mm.yyyy in
        # the address is shown back in them, also when the period is wrong.
        shown = {}
        for name, field in self.fields.items():
            raw = self.data.get(name, "")
            try:
                day = field.to_python(raw)
            except forms.ValidationError:
                day = None
            shown[name] = day.isoformat() if day else raw
        self.data = shown

    def _clean_bounds(self, name: str) -> dt.date:
        day = self.cleaned_data[name]
        if not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                f"Укажите дату с {EARLIEST:%d.%m.%Y} по {LATEST:%d.%m.%Y}.", code="out_of_range"
            )
        return day

    def clean_start(self) -> dt.date:
        return self._clean_bounds("start")

    def clean_end(self) -> dt.date:
        return self._clean_bounds("end")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            return cleaned
        if end < start:
            self.add_error("end", "Конечная дата не может быть раньше начальной.")
        elif end >= years_after(start, MAX_YEARS):
            self.add_error("end", f"Период не может быть длиннее {MAX_YEARS} лет.")
        return cleaned

    @property
    def period(self) -> Period:
        """The valid period; call after is_valid()."""
        return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])

    @property
    def period_query(self) -> str:
        """The valid period as a query string, so that the other tabs open on
        the same period; empty while the period is not valid."""
        if not self.is_bound or self.errors:
            return ""
        return urlencode({"start": self.period.start.isoformat(), "end": self.period.end.isoformat()})
