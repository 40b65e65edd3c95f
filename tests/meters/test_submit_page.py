"""The "Передать показания" page: the reading as one display, the cursor in
it, and a reading still on review shown before a new one replaces it."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from meters.models import Reading
from tests.conftest import assert_unavailable, client_for
from tests.meters.conftest import add_reading, make_meter, monthly_history
from tests.meters.test_pages import text_of

pytestmark = pytest.mark.django_db

REPLACES = "Если передать новые показания, они заменят те, что на проверке."


def submit_url(meter) -> str:
    return reverse("meters:submit", args=[meter.pk])


def test_a_reading_on_review_shows_with_its_state_next_to_the_last_accepted(
    customer_client, meter, fixed_today
):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    add_reading(meter, dt.date(2026, 11, 3), "1500.5", status=Reading.Status.REVIEW)
    page = text_of(customer_client.get(submit_url(meter)))
    assert (
        "Последние принятые показания 001383,725 м³ от 20.10.2026 "
        "Статус ввода На проверке 001500,500 м³ от 03.11.2026" in page
    )


def test_the_note_before_the_button_says_a_new_value_replaces_the_one_on_review(
    customer_client, meter, fixed_today
):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    add_reading(meter, dt.date(2026, 11, 3), "1500.5", status=Reading.Status.REVIEW)
    response = customer_client.get(submit_url(meter))
    html = response.content.decode()
    assert f"Показания 001500,500 м³ от 03.11.2026 на проверке. {REPLACES}" in text_of(response)
    note = html.index('id="replaces-pending"')
    button = html.index(">Передать показания</button>")
    assert html.index("</fieldset>") < note < button
    assertContains(response, 'aria-describedby="replaces-pending">Передать показания</button>', html=False)

    # And it is so: the new value is the one that stands.
    customer_client.post(submit_url(meter), {"whole": "1390", "fraction": "1"})
    old = Reading.objects.get(value="1500.5")
    assert (old.status, old.reason) == ("rejected", "Заменены показаниями, переданными 16.11.2026.")
    assertNotContains(customer_client.get(submit_url(meter)), REPLACES)


def test_without_a_reading_on_review_there_is_no_note(customer_client, meter, fixed_today):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    add_reading(meter, dt.date(2026, 10, 25), "1400", status=Reading.Status.REJECTED, reason="Ошибка.")
    response = customer_client.get(submit_url(meter))
    assertNotContains(response, REPLACES)
    assertNotContains(response, "Статус ввода")


def test_the_note_also_stands_beside_a_mistake(customer_client, meter, fixed_today):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    add_reading(meter, dt.date(2026, 11, 3), "1500.5", status=Reading.Status.REVIEW)
    response = customer_client.post(submit_url(meter), {"whole": "1", "fraction": ""})
    assert response.status_code == 400
    assertContains(response, REPLACES, status_code=400)
    assert Reading.objects.get(value="1500.5").status == "review"


def autofocused(response) -> list[str]:
    """The names of the inputs that take the cursor when the page opens."""
    tags = re.findall(r"<input [^>]*>", response.content.decode())
    return [re.search(r'name="(\w+)"', tag).group(1) for tag in tags if re.search(r"\bautofocus\b", tag)]


def test_the_cursor_starts_in_the_whole_part(customer_client, meter, fixed_today):
    response = customer_client.get(submit_url(meter))
    assert autofocused(response) == ["whole"]
    assertContains(response, "autofocus", count=1)


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
    response = customer_client.post(submit_url(meter), {"whole": "1400", "fraction": "0"})
    html = response.content.decode()
    display = re.search(r'<div class="reading-display">(.*?)</div>', html, re.S).group(1)
    parts = re.findall(r'<input [^>]*name="(\w+)"|class="reading-display__comma"', display)
    assert [p or "," for p in parts] == ["whole", ",", "fraction"]
    assert 'class="digits digits--6"' in display and 'class="digits digits--3"' in display
    assert html.index('<div class="reading-display">') < html.index('id="id_whole_error"')
    assertContains(response, "Показания не могут быть меньше последних принятых", status_code=400)


def test_a_meter_without_a_fraction_has_no_comma(customer_client, contract, fixed_today):
    meter = make_meter(contract, serial="W1", digits_before=5, digits_after=0)
    response = customer_client.get(submit_url(meter))
    assertContains(response, 'name="whole"')
    assertNotContains(response, 'name="fraction"')
    assertNotContains(response, "reading-display__comma")


def _visit(client, meter) -> None:
    assert client.get(submit_url(meter)).status_code == 200
    # A value below the last accepted one: refused after the history is read.
    assert client.post(submit_url(meter), {"whole": "5", "fraction": ""}).status_code == 400


def test_the_page_runs_the_same_queries_for_one_meter_and_for_many_with_long_histories(
    contract, fixed_today, django_assert_num_queries
):
    client = client_for(contract)
    first = make_meter(contract, serial="A1")
    monthly_history(first, months=2, last=dt.date(2026, 10, 1))
    add_reading(first, dt.date(2026, 11, 3), "2000", status=Reading.Status.REVIEW)
    _visit(client, first)  # the session is warm from here on
    with CaptureQueriesContext(connection) as few:
        _visit(client, first)

    Reading.objects.all().delete()
    meters = [first] + [make_meter(contract, serial=f"B{n}") for n in range(5)]
    for each in meters:
        monthly_history(each, months=120, last=dt.date(2026, 10, 1))
        add_reading(each, dt.date(2026, 11, 1), "9000", status=Reading.Status.REJECTED, reason="Ошибка.")
        add_reading(each, dt.date(2026, 11, 3), "9999", status=Reading.Status.REVIEW)
    with django_assert_num_queries(len(few.captured_queries)):
        _visit(client, first)


def test_with_the_cache_down_a_reading_answers_503_and_is_not_saved(
    customer_client, meter, fixed_today, redis
):
    value = {"whole": "1383", "fraction": "725"}
    with redis.down():
        assert_unavailable(customer_client.post(submit_url(meter), value))
        assert customer_client.get(submit_url(meter)).status_code == 200
    assert not Reading.objects.exists()
    assert customer_client.post(submit_url(meter), value).status_code == 302
    assert Reading.objects.count() == 1
