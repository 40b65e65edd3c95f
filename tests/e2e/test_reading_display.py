"""The two parts of a reading and the comma read as one meter display, at
phone and desktop widths, before and after an error."""

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meters.models import Reading
from tests.conftest import PASSWORD
from tests.meters.conftest import add_reading, make_meter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "readings-shots"  # looked at by eye after a run
COMMA = ".reading-display__comma"
# How far apart the vertical centres of the inputs and the comma may be, and
# how wide the gap between the comma and either input, in CSS pixels.
SAME_LINE = 3
NEAR = 12


def _box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not displayed"
    return box


def _centre(box: dict) -> float:
    return box["y"] + box["height"] / 2


def assert_one_display(page, width: int) -> None:
    whole, comma, fraction = _box(page, "#id_whole"), _box(page, COMMA), _box(page, "#id_fraction")
    assert abs(_centre(whole) - _centre(comma)) <= SAME_LINE, (whole, comma)
    assert abs(_centre(whole) - _centre(fraction)) <= SAME_LINE, (whole, fraction)
    whole_right, comma_right = whole["x"] + whole["width"], comma["x"] + comma["width"]
    assert whole_right <= comma["x"] + 1 and comma_right <= fraction["x"] + 1, (whole, comma, fraction)
    assert comma["x"] - whole_right <= NEAR, (whole, comma)
    assert fraction["x"] - comma_right <= NEAR, (comma, fraction)
    assert fraction["x"] + fraction["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    wcag = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": wcag}, "resultTypes": ["violations"]}
    )
    assert results.violations_count == 0, results.generate_report()


def _signed_in_page(context, live_server, contract):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/login/")
    page.get_by_label("Номер договора").fill(contract.number)
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("link", name="Показания", exact=True)).to_be_visible()
    return page


@pytest.mark.parametrize("width", [320, 375, 1366])
def test_the_parts_and_the_comma_stay_one_display(browser, live_server, contract, width):
    meter = make_meter(contract, serial="001383")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    add_reading(meter, last_month, "1500.000")

    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="ru-RU", is_mobile=width < 640
    )
    try:
        page = _signed_in_page(context, live_server, contract)
        page.goto(live_server.url + reverse("meters:submit", args=[meter.pk]))

        # The cursor is in the whole part: a customer types straight away.
        expect(page.locator("#id_whole")).to_be_focused()
        assert page.locator("[autofocus]").count() == 1
        assert_one_display(page, width)
        page.screenshot(path=str(SHOTS / f"{width}-form.png"), full_page=True)
        page.locator(".reading-form").screenshot(path=str(SHOTS / f"{width}-form-detail.png"))

        # Below the last accepted reading: the message goes under the display,
        # which keeps its shape.
        page.locator("#id_whole").fill("1400")
        page.locator("#id_fraction").fill("0")
        page.get_by_role("button", name="Передать показания").click()
        error = page.locator("#id_whole_error")
        expect(error).to_contain_text("Показания не могут быть меньше последних принятых")
        expect(page.locator("#id_whole")).to_be_focused()
        assert page.locator("[autofocus]").count() == 1
        assert_one_display(page, width)
        lowest = max(
            b["y"] + b["height"]
            for b in (_box(page, "#id_whole"), _box(page, COMMA), _box(page, "#id_fraction"))
        )
        assert _box(page, "#id_whole_error")["y"] >= lowest
        assert_accessible(page)
        page.screenshot(path=str(SHOTS / f"{width}-error.png"), full_page=True)
        page.locator(".reading-form").screenshot(path=str(SHOTS / f"{width}-error-detail.png"))
    finally:
        context.close()


def test_the_longest_display_fits_a_narrow_phone(browser, live_server, contract):
    meter = make_meter(contract, serial="77777777", digits_before=8, digits_after=4)
    context = browser.new_context(viewport={"width": 320, "height": 900}, locale="ru-RU", is_mobile=True)
    try:
        page = _signed_in_page(context, live_server, contract)
        page.goto(live_server.url + reverse("meters:submit", args=[meter.pk]))
        page.locator("#id_whole").fill("12345678")
        page.locator("#id_fraction").fill("1234")
        assert_one_display(page, 320)
        # Every digit typed is in view: the inputs are as wide as the display.
        for part in ("#id_whole", "#id_fraction"):
            assert page.locator(part).evaluate("el => el.scrollWidth <= el.clientWidth"), part
        page.locator(".reading-form").screenshot(path=str(SHOTS / "320-eight-and-four.png"))
    finally:
        context.close()


def test_a_reading_on_review_is_shown_with_the_note_before_the_button(browser, live_server, contract):
    meter = make_meter(contract, serial="001383")
    today = timezone.localdate()
    add_reading(meter, today.replace(day=1) - dt.timedelta(days=1), "1375.600")
    add_reading(meter, today, "1500.000", status=Reading.Status.REVIEW)
    context = browser.new_context(viewport={"width": 375, "height": 900}, locale="ru-RU", is_mobile=True)
    try:
        page = _signed_in_page(context, live_server, contract)
        page.goto(live_server.url + reverse("meters:submit", args=[meter.pk]))
        expect(page.locator(".meter-card__pending")).to_contain_text("На проверке 001500,000 м³")
        note = page.locator("#replaces-pending")
        expect(note).to_contain_text("Если передать новые показания, они заменят те, что на проверке.")
        button = page.get_by_role("button", name="Передать показания")
        expect(button).to_have_accessible_description(re.compile("заменят те, что на проверке"))
        assert note.bounding_box()["y"] < button.bounding_box()["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert_accessible(page)
        page.locator(".tab-panel").screenshot(path=str(SHOTS / "375-on-review.png"))
    finally:
        context.close()
