"""Calendar arithmetic on dates: months and years, the way billing counts them."""

import calendar
import datetime as dt


def month_start(day: dt.date, shift: int = 0) -> dt.date:
    """The first day of `day`'s month, moved by `shift` months (either way)."""
    index = day.year * 12 + day.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date, shift: int = 0) -> dt.date:
    """The last day of `day`'s month, moved by `shift` months."""
    first = month_start(day, shift)
    return first.replace(day=days_in_month(first))


def days_in_month(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
