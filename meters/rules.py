"""The rules a meter reading must meet, one plain function each.

A rule that refuses raises `ReadingRefused` with the Russian message the
customer reads (and, for the two input fields, which field it is about);
`review_reason` instead returns why a reading goes to staff. The service
(`meters.services.reading_submit`) applies them in order under the meter's
row lock; the form uses the input rules to put a message next to a field.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from enser_cabinet.dates import days_in_month, month_start
from enser_cabinet.formatting import format_date, format_number
from meters.models import Meter, Reading

# The display rolls over from 99999,999 to 00000,000. A new value below the
# last accepted one is a rollover only if the last one was in the top tenth
# of the range and the new one is in the bottom tenth; anything else is a
# typing mistake.
ROLLOVER_MARGIN = Decimal("0.1")
DAYS_IN_MONTH = Decimal("30.4375")  # 365.25 / 12
# Less history than this says nothing about a meter's usual consumption.
MIN_HISTORY_DAYS = 28


class ReadingRefused(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def digits_word(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return "цифра"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return "цифры"
    return "цифр"


# Input: the part before the comma and the part after it.


def check_not_negative(whole: str) -> None:
    if whole.strip().startswith(("-", "−", "–")):
        raise ReadingRefused("Показания не могут быть отрицательными.", field="whole")


def check_whole_part(meter: Meter, whole: str) -> None:
    whole = whole.strip()
    if not whole:
        raise ReadingRefused("Введите показания до запятой.", field="whole")
    if not (whole.isascii() and whole.isdigit()):
        raise ReadingRefused("До запятой — только цифры, как на табло счетчика.", field="whole")
    if len(whole.lstrip("0")) > meter.digits_before:
        raise ReadingRefused(too_many_before(meter), field="whole")


def check_fraction_part(meter: Meter, fraction: str) -> None:
    fraction = fraction.strip()
    if not fraction:
        return
    if not (fraction.isascii() and fraction.isdigit()):
        raise ReadingRefused(
            "После запятой — только цифры, без запятой, точки и других знаков.", field="fraction"
        )
    if len(fraction.rstrip("0")) > meter.digits_after:
        raise ReadingRefused(too_many_after(meter), field="fraction")


def too_many_before(meter: Meter) -> str:
    n = meter.digits_before
    return f"У этого счетчика {n} {digits_word(n)} до запятой: введите не больше {n}."


def too_many_after(meter: Meter) -> str:
    n = meter.digits_after
    if n == 0:
        return "У этого счетчика нет дробной части: оставьте поле после запятой пустым."
    return f"У этого счетчика {n} {digits_word(n)} после запятой: введите не больше {n}."


def value_from_parts(meter: Meter, whole: str, fraction: str) -> Decimal:
    """The exact value from the two fields: "1383" and "725" → 1383.725."""
    check_not_negative(whole)
    check_whole_part(meter, whole)
    check_fraction_part(meter, fraction)
    return Decimal(f"{whole.strip()}.{fraction.strip() or '0'}")


def check_value(meter: Meter, value: Decimal) -> None:
    """The same limits for a value that did not come from the form."""
    if value < 0:
        raise ReadingRefused("Показания не могут быть отрицательными.", field="whole")
    if value >= meter.capacity:
        raise ReadingRefused(too_many_before(meter), field="whole")
    if value != value.quantize(meter.step):
        raise ReadingRefused(too_many_after(meter), field="fraction")


# The meter and the calendar.


def check_verification(meter: Meter, today: dt.date) -> None:
    if meter.verification_due < today:
        raise ReadingRefused(
            f"Срок поверки прибора учета № {meter.serial_number} истек "
            f"{format_date(meter.verification_due)}. "
            "Показания по нему не принимаются: обратитесь в АО «ЭнСер» по телефону "
            f"{settings.COMPANY['emergency_phone']}, чтобы согласовать поверку или замену прибора."
        )


@dataclass(frozen=True)
class Window:
    """The days of the month on which readings are taken."""

    first_day: int
    last_day: int
    today: dt.date

    @property
    def is_whole_month(self) -> bool:
        return self.first_day <= 1 and self.last_day >= 31

    def _last_in(self, month: dt.date) -> int:
        return min(self.last_day, days_in_month(month))

    @property
    def is_open(self) -> bool:
        day = self.today.day
        return self.first_day <= day <= self._last_in(self.today)

    @property
    def opens_on(self) -> dt.date:
        """The next first day of the window (today's, if it is open)."""
        month = month_start(self.today, 0 if self.is_open or self.today.day < self.first_day else 1)
        return month.replace(day=min(self.first_day, days_in_month(month)))

    @property
    def closes_on(self) -> dt.date:
        return self.today.replace(day=self._last_in(self.today))

    def describe(self) -> str:
        return f"Показания принимаются с {self.first_day} по {self.last_day} число месяца."


def submission_window(today: dt.date) -> Window:
    return Window(
        first_day=settings.READINGS_WINDOW_FIRST_DAY, last_day=settings.READINGS_WINDOW_LAST_DAY, today=today
    )


def check_window(today: dt.date) -> None:
    window = submission_window(today)
    if not window.is_open:
        raise ReadingRefused(
            f"{window.describe()} Передать показания можно будет с {format_date(window.opens_on)}."
        )


# The value against the meter's history.


def is_repeat(latest: Reading | None, value: Decimal, today: dt.date) -> bool:
    """The same value sent again in the same month is the reading already made."""
    return (
        latest is not None
        and latest.status != Reading.Status.REJECTED
        and latest.value == value
        and (latest.reading_date.year, latest.reading_date.month) == (today.year, today.month)
    )


def check_not_before_last(last: Reading | None, day: dt.date) -> None:
    """A reading dated before the last accepted one would rewrite history: staff correct that in billing."""
    if last is not None and day < last.reading_date:
        raise ReadingRefused(
            f"Дата показаний {format_date(day)} раньше последних принятых показаний "
            f"({format_date(last.reading_date)})."
        )


def is_rollover(meter: Meter, last: Decimal, value: Decimal) -> bool:
    top = meter.capacity * (1 - ROLLOVER_MARGIN)
    bottom = meter.capacity * ROLLOVER_MARGIN
    return value < last and last >= top and value < bottom


def consumption_since(meter: Meter, last: Reading | None, value: Decimal) -> tuple[Decimal | None, bool]:
    """The consumption since the last accepted reading, and whether the display rolled over.

    A value below the last accepted one is refused unless it is a rollover,
    whose consumption runs up to the top of the range and on from zero.
    """
    if last is None:
        return None, False
    if value >= last.value:
        return value - last.value, False
    if is_rollover(meter, last.value, value):
        return meter.capacity - last.value + value, True
    raise ReadingRefused(
        "Показания не могут быть меньше последних принятых: "
        f"{meter.display(last.value)} {meter.unit} от {format_date(last.reading_date)}. "
        "Проверьте, все ли цифры до запятой введены.",
        field="whole",
    )


def review_reason(
    meter: Meter,
    consumption: Decimal,
    *,
    average_monthly: Decimal | None,
    months: Decimal,
    factor: Decimal,
) -> str:
    """Why the consumption needs staff to look at it, or "" when it is usual.

    The limit is `factor` times the meter's average month, times the months
    since the last accepted reading (at least one), so a customer who skipped
    a month is not sent to review for it.
    """
    if not average_monthly:
        return ""
    limit = factor * average_monthly * max(months, Decimal(1))
    if consumption <= limit:
        return ""
    places = meter.digits_after
    return (
        f"Расход {format_number(consumption, places)} {meter.unit} более чем в "
        f"{format_number(factor, 0 if factor == factor.to_integral() else 1)} раза "
        f"выше обычного для прибора ({format_number(average_monthly, places)} {meter.unit} в месяц): "
        "показания переданы на проверку специалисту."
    )


def average_monthly(history: list[tuple[dt.date, Decimal | None]]) -> Decimal | None:
    """The average month's consumption from accepted readings (date, consumption), oldest first.

    The first reading is only the starting point: its consumption belongs to
    the time before it.
    """
    if len(history) < 2:
        return None
    days = (history[-1][0] - history[0][0]).days
    if days < MIN_HISTORY_DAYS:
        return None
    total = sum((c or Decimal(0) for _, c in history[1:]), Decimal(0))
    return total * DAYS_IN_MONTH / days


def months_between(start: dt.date, end: dt.date) -> Decimal:
    return Decimal((end - start).days) / DAYS_IN_MONTH
