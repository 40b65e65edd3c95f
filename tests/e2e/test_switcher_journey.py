"""The demo administrator of 12345-ЭС and 12346-ЭС switches contracts in a
browser with JavaScript off: the header's "Договор" list and "Выбрать",
then the "Открыть" button of «Главная»; each tab then shows the chosen
contract, and on a phone nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.demo import demo_seed
from tests.e2e.test_phone_layout import LAYOUT_PROBLEMS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_seed()


def test_switching_contracts_without_javascript(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="ru-RU", is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/login/")
        page.get_by_label("Номер договора").fill("12345-ЭС")
        page.get_by_label("ИНН/Пароль").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Войти").click()
        expect(page.locator(".cabinet__contract")).to_contain_text("12345-ЭС")
        expect(page.get_by_role("heading", name="Ваши договоры")).to_be_visible()
        assert page.evaluate(LAYOUT_PROBLEMS) == []

        page.goto(live_server.url + "/payments/")
        switcher = page.get_by_label("Договор", exact=True)
        expect(switcher).to_have_value(switcher.locator("option", has_text="12345-ЭС").get_attribute("value"))
        switcher.select_option(label="12346-ЭС · ООО «Тепломонтаж»")
        page.get_by_role("button", name="Выбрать").click()
        # The same tab, for the contract chosen.
        assert page.url.endswith("/payments/")
        expect(page.locator(".cabinet__contract")).to_contain_text("12346-ЭС")
        assert page.evaluate(LAYOUT_PROBLEMS) == []

        page.goto(live_server.url + "/")
        page.get_by_role("button", name="Открыть договор 12345-ЭС").click()
        expect(page.locator(".cabinet__contract")).to_contain_text("12345-ЭС")
        page.goto(live_server.url + "/readings/")
        expect(page.locator(".cabinet__contract")).to_contain_text("12345-ЭС")
    finally:
        context.close()
