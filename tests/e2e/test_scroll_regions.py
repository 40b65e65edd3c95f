"""A table wider than the screen scrolls in its box, and the box then takes
keyboard focus as a named region; a table that fits is no extra tab stop."""

import pytest
from playwright.sync_api import expect

from enser_cabinet.demo.customers import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOXES = """() => Array.from(document.querySelectorAll(".table-wrap")).map(box => ({
  scrolls: box.scrollWidth > box.clientWidth + 1, tabindex: box.getAttribute("tabindex"),
  role: box.getAttribute("role"), name: box.getAttribute("aria-label"),
}))"""


def sign_in(page) -> None:
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()


def test_a_scrolling_table_takes_focus_and_a_fitting_one_does_not(phone_page, demo_customer):
    page = phone_page
    sign_in(page)
    invoice = "/charges/{invoice}/".format(**demo_customer)
    page.goto(page.base_url + invoice)
    boxes = page.evaluate(BOXES)
    assert any(box["scrolls"] for box in boxes), boxes
    for box in boxes:
        if box["scrolls"]:
            assert box["tabindex"] == "0" and box["role"] == "region", box
            assert box["name"].endswith("Таблица прокручивается по горизонтали"), box
        else:
            assert box["tabindex"] is None and box["role"] is None, box

    # Wide enough, the same table fits and the box leaves the tab order.
    page.set_viewport_size({"width": 1800, "height": 900})
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.table-wrap'))"
        ".every(box => !box.hasAttribute('tabindex'))"
    )
    assert not any(box["scrolls"] for box in page.evaluate(BOXES))
