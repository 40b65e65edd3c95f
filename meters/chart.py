"""The consumption chart of a meter as plain SVG numbers: the template draws it.

No JavaScript: bars, a few grid lines with their values, a month under each
bar, and the year under January and under the first bar.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from enser_cabinet.formatting import format_number
from meters.selectors import MonthConsumption

MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
MONTH_NAMES = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]  # fmt: skip

WIDTH = 760
HEIGHT = 280
LEFT = 64  # room for the grid values
RIGHT = 8
TOP = 12
BOTTOM = 44  # room for months and years
GRID_LINES = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "янв"
    year: str  # under January, and under the first bar when no January is near
    text: str  # "январь 2026: 6,120 Гкал"
    empty: bool


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[Bar]
    grid: list[GridLine]
    unit: str
    title: str
    description: str

    @property
    def label_y(self) -> float:
        return self.baseline + 16

    @property
    def year_y(self) -> float:
        return self.baseline + 32


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ not below value: round grid steps."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for mantissa in (1, 2, Decimal("2.5"), 5, 10):
        candidate = Decimal(mantissa).scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)  # pragma: no cover


def month_label(month: dt.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def consumption_chart(*, months: list[MonthConsumption], unit: str, places: int, serial: str) -> Chart:
    peak = max((m.consumption for m in months if m.consumption), default=Decimal(0))
    step = nice_ceiling(peak / GRID_LINES) if peak else Decimal(1)
    top_value = step * GRID_LINES
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        value = month.consumption
        height = float(value / top_value) * plot_height if value else 0.0
        text = (
            month_label(month.month)
            + ": "
            + (f"{format_number(value, places)} {unit}" if value is not None else "нет показаний")
        )
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 2),
                y=round(baseline - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                label=MONTHS[month.month.month - 1],
                # The first bar carries its year unless a January follows too closely.
                year=str(month.month.year)
                if month.month.month == 1 or (index == 0 and month.month.month <= 10)
                else "",
                text=text,
                empty=value is None,
            )
        )
    grid = [
        GridLine(
            y=round(baseline - plot_height * i / GRID_LINES, 2), label=format_number(step * i, _places(step))
        )
        for i in range(GRID_LINES + 1)
    ]
    total = sum((m.consumption or Decimal(0) for m in months), Decimal(0))
    with_data = [m for m in months if m.consumption is not None]
    if with_data:
        busiest = max(with_data, key=lambda m: m.consumption)
        description = (
            f"Столбцы — расход по месяцам с {months[0].month:%m.%Y} по {months[-1].month:%m.%Y}. "
            f"Всего {format_number(total, places)} {unit}; больше всего — {month_label(busiest.month)}: "
            f"{format_number(busiest.consumption, places)} {unit}. Те же числа — в таблице под графиком."
        )
    else:
        description = "Принятых показаний за эти месяцы нет."
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        baseline=baseline,
        bars=bars,
        grid=grid,
        unit=unit,
        title=f"Расход по прибору учета № {serial} за {len(months)} мес., {unit}",
        description=description,
    )


def _places(step: Decimal) -> int:
    return max(-step.normalize().as_tuple().exponent, 0)
