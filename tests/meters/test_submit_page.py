"""The "Передать показания" page: the reading as one display, the cursor in
it, and a reading still on review shown before a new one replaces it."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.meters.conftest import add_reading, make_meter

pytestmark = pytest.mark.django_db


def submit_url(meter) -> str:
    return reverse("meters:submit", args=[meter.pk])


def autofocused(response) -> list[str]:
    """The names of the inputs that take the cursor when the page opens."""
    tags = re.findall(r"<input [^>]*>", response.content.decode())
    return [re.search(r'name="(\w+)"', tag).group(1) for tag in tags if re.search(r"\bautofocus\b", tag)]


def test_the_cursor_starts_in_the_whole_part(customer_client, meter, fixed_today):
    response = customer_client.get(submit_url(meter))
    assert autofocused(response) == ["whole"]
    assert response.content.decode().count("autofocus") == 1


def test_after_a_mistake_the_cursor_waits_in_the_part_that_has_it(customer_client, meter, fixed_today):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    assert autofocused(customer_client.post(submit_url(meter), {"whole": "1383", "fraction": "7,2"})) == [
        "fraction"
    ]
    assert autofocused(customer_client.post(submit_url(meter), {"whole": "1400x", "fraction": "7,2"})) == [
        "whole"
    ]
    # Refused by the service (below the last accepted): the whole part.
    assert autofocused(customer_client.post(submit_url(meter), {"whole": "138", "fraction": "7"})) == [
        "whole"
    ]


def test_the_parts_and_the_comma_are_one_display_with_the_message_below(customer_client, meter, fixed_today):
    add_reading(meter, dt.date(2026, 10, 20), "1500")
    html = customer_client.post(submit_url(meter), {"whole": "1400", "fraction": "0"}).content.decode()
    display = re.search(r'<div class="reading-display">(.*?)</div>', html, re.S).group(1)
    parts = re.findall(r'<input [^>]*name="(\w+)"|class="reading-display__comma"', display)
    assert [p or "," for p in parts] == ["whole", ",", "fraction"]
    assert 'style="--digits: 6"' in display and 'style="--digits: 3"' in display
    assert html.index('<div class="reading-display">') < html.index('id="id_whole_error"')
    assert "Показания не могут быть меньше последних принятых" in html


def test_a_meter_without_a_fraction_has_no_comma(customer_client, contract, fixed_today):
    meter = make_meter(contract, serial="W1", digits_before=5, digits_after=0)
    html = customer_client.get(submit_url(meter)).content.decode()
    assert 'name="whole"' in html and 'name="fraction"' not in html
    assert "reading-display__comma" not in html
