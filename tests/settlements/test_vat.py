import datetime as dt
from decimal import Decimal

import pytest

from settlements.vat import UnknownVatRate, vat_rate_on


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (dt.date(2019, 1, 1), "20.00"),
        (dt.date(2021, 10, 31), "20.00"),
        (dt.date(2025, 12, 31), "20.00"),
        (dt.date(2026, 1, 1), "22.00"),
        (dt.date(2035, 12, 31), "22.00"),
    ],
)
def test_the_rate_of_the_day_of_supply(day, rate):
    assert vat_rate_on(day) == Decimal(rate)


def test_a_day_before_the_first_known_rate_is_refused():
    with pytest.raises(UnknownVatRate, match=r"31\.12\.2018"):
        vat_rate_on(dt.date(2018, 12, 31))
