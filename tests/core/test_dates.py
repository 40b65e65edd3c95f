import datetime as dt

import pytest

from enser_cabinet.dates import days_in_month, month_end, month_start, years_after


@pytest.mark.parametrize(
    ("day", "shift", "expected"),
    [
        (dt.date(2026, 12, 2), 0, dt.date(2026, 12, 1)),
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 1)),
        (dt.date(2026, 1, 15), -1, dt.date(2025, 12, 1)),
        (dt.date(2021, 10, 31), -23, dt.date(2019, 11, 1)),
        (dt.date(2021, 10, 1), 170, dt.date(2035, 12, 1)),
    ],
)
def test_month_start_moves_across_years(day, shift, expected):
    assert month_start(day, shift) == expected


@pytest.mark.parametrize(
    ("day", "shift", "expected"),
    [
        (dt.date(2021, 10, 1), 0, dt.date(2021, 10, 31)),
        (dt.date(2021, 11, 30), 0, dt.date(2021, 11, 30)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2026, 12, 2), -12, dt.date(2025, 12, 31)),
    ],
)
def test_month_end_knows_each_months_length(day, shift, expected):
    assert month_end(day, shift) == expected


def test_days_in_month_of_february():
    assert [days_in_month(dt.date(year, 2, 1)) for year in (2026, 2028, 2100)] == [28, 29, 28]


def test_years_after_keeps_the_day_and_moves_29_february_to_28():
    assert years_after(dt.date(2021, 9, 27), 10) == dt.date(2031, 9, 27)
    assert years_after(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    assert years_after(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 29)
