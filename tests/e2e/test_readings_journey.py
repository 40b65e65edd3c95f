import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meters.models import Reading
from tests.conftest import PASSWORD
from tests.meters.conftest import add_reading, make_meter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_customer_sends_a_reading_and_sees_it_accepted(page, contract):
    meter = make_meter(contract, serial="001383")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    add_reading(meter, last_month, "1375.600")

    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("link", name="Показания", exact=True).click()

    row = page.locator(f"#meter-{meter.pk}")
    expect(row).to_contain_text("001375,600")
    row.get_by_role("link", name=re.compile("^Передать показания")).click()

    whole = page.get_by_label("Основная часть (до запятой)")
    fraction = page.get_by_label("Дробная часть (после запятой)")
    expect(whole).to_have_attribute("maxlength", "6")
    expect(fraction).to_have_attribute("maxlength", "3")
    # A mistake first: the message stands next to the field, the value stays.
    whole.fill("1383")
    fraction.fill("7,2")
    page.get_by_role("button", name="Передать показания").click()
    expect(page.locator("#id_fraction_error")).to_have_text(
        "После запятой — только цифры, без запятой, точки и других знаков."
    )
    expect(page.get_by_label("Основная часть (до запятой)")).to_have_value("1383")

    page.get_by_label("Дробная часть (после запятой)").fill("725")
    page.get_by_role("button", name="Передать показания").click()

    row = page.locator(f"#meter-{meter.pk}")
    expect(row.locator(".readings__status")).to_contain_text("Принято")
    expect(row).to_contain_text("001383,725")
    assert Reading.objects.filter(value="1383.725", status="accepted").count() == 1

    row.get_by_role("link", name=re.compile("^История и график")).click()
    expect(page.get_by_role("img", name=re.compile("Расход по прибору учета № 001383"))).to_be_visible()
    expect(page.get_by_role("cell", name="8,125").first).to_be_visible()


def test_the_readings_tab_fits_a_phone(phone_page, contract):
    page = phone_page
    make_meter(contract, serial="001383")
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(page.base_url + "/readings/")
    button = page.get_by_role("link", name=re.compile("^Передать показания"))
    expect(button).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = button.bounding_box()
    assert box["x"] + box["width"] <= 360
    button.click()
    expect(page.get_by_label("Основная часть (до запятой)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
