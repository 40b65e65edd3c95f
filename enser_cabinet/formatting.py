"""How numbers, money and dates read on pages, in PDFs and in e-mails."""

import datetime as dt
from decimal import Decimal

NBSP = "\u00a0"


def format_number(value: Decimal | int, places: int = 2, *, group: str = NBSP) -> str:
    """`Decimal("13481.16")` → `13 481,16` (grouped by thousands, comma)."""
    if isinstance(value, (float, bool)):
        raise TypeError("numbers on pages are Decimal or int, never float")
    if not isinstance(value, (Decimal, int)):
        raise TypeError(f"cannot format {type(value).__name__} as a number")
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", group)


def format_money(value: Decimal) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be Decimal, not {type(value).__name__}")
    return format_number(value, 2)


def format_date(value: dt.date | dt.datetime | None) -> str:
    """`31.10.2021`; a datetime is shown in the current time zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")
