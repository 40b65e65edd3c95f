import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from enser_cabinet.formatting import format_date, format_money, format_number
from enser_cabinet.money import round_money, vat_of


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("13481.16"), "13\u00a0481,16"),
        (Decimal("0"), "0,00"),
        (Decimal("-518.84"), "-518,84"),
        (Decimal("1234567.5"), "1\u00a0234\u00a0567,50"),
    ],
)
def test_money_reads_as_russian_accountants_write_it(value, text):
    assert format_money(value) == text


def test_floats_are_refused():
    with pytest.raises(TypeError):
        format_money(13481.16)
    with pytest.raises(TypeError):
        Template("{{ x|rub }}").render(Context({"x": 1.5}))


def test_quantities_keep_their_places():
    assert format_number(Decimal("3.32")) == "3,32"
    assert format_number(Decimal("7.641"), 3) == "7,641"


def test_dates_are_day_month_year_in_yekaterinburg():
    assert format_date(dt.date(2021, 10, 31)) == "31.10.2021"
    moment = dt.datetime(2021, 10, 31, 20, 30, tzinfo=dt.UTC)
    assert format_date(moment) == "01.11.2021 01:30"


def test_rounding_is_half_up_to_the_kopeck():
    assert round_money(Decimal("898.745")) == Decimal("898.75")
    assert vat_of(Decimal("4493.72"), Decimal("20")) == Decimal("898.74")
    with pytest.raises(TypeError):
        round_money(1.0)
