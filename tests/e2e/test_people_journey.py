"""In a real browser: the demo administrator invites a chief accountant on
both contracts, the accountant accepts in a browser of their own, signs in
by e-mail, sees both contracts with their balances, switches to the second
and downloads its statement, and cannot send a reading; the
administrator sees it all in «Журнал действий»."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_settlements_journey import downloaded_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
EMAIL = "zam-buh@teplomontazh.example"
PASSWORD = "Zam-Buh-2026"


def test_the_administrator_invites_the_accountant_who_accepts_in_another_browser(
    page, browser, demo_customer, live_server
):
    sign_in(page, "12345-ЭС", DEMO_PASSWORD)
    page.get_by_role("link", name="Сотрудники").click()
    expect(page.get_by_role("heading", name="Сотрудники")).to_be_visible()
    page.get_by_label("E-mail сотрудника").fill(EMAIL)
    page.get_by_label("Роль").last.select_option(label="Бухгалтер")
    page.get_by_label("12346-ЭС · ООО «Тепломонтаж»").check()
    page.get_by_role("button", name="Пригласить").click()
    expect(page.get_by_text(f"Приглашение отправлено на {EMAIL}.")).to_be_visible()

    letter = next(message for message in mail.outbox if message.to == [EMAIL])
    link = re.search(r"https?://[^/\s]+(/people/invitation/\S+/)", letter.body).group(1)
    other = browser.new_context(locale="ru-RU", timezone_id="Asia/Yekaterinburg")
    accountant = other.new_page()
    accountant.set_default_timeout(15_000)
    try:
        accountant.goto(live_server.url + link)
        expect(accountant.get_by_text("ООО «Тепломонтаж», договор 12346-ЭС")).to_be_visible()
        accountant.get_by_label("Ваше имя").fill("Зайцева Мария")
        accountant.get_by_label("Введите новый пароль").fill(PASSWORD)
        accountant.get_by_label("Подтвердите новый пароль").fill(PASSWORD)
        accountant.get_by_role("button", name="Принять приглашение").click()
        expect(accountant.get_by_text("Добрый день!")).to_be_visible()
        expect(accountant.get_by_text("Приглашение принято")).to_be_visible()
        accountant.get_by_role("button", name="Выход").click()

        accountant.get_by_label("Номер договора").fill(EMAIL)
        accountant.get_by_label("ИНН/Пароль").fill(PASSWORD)
        accountant.get_by_role("button", name="Войти").click()
        expect(accountant.get_by_text("Добрый день!")).to_be_visible()
        tabs = accountant.get_by_role("navigation", name="Разделы личного кабинета")
        expect(tabs.get_by_role("link", name="Взаиморасчеты")).to_be_visible()
        expect(tabs.get_by_role("link", name="Показания")).to_have_count(0)
        expect(tabs.get_by_role("link", name="Сотрудники")).to_have_count(0)
        # Both contracts on «Главная», each with its balance, and the total.
        contracts = accountant.locator("table.contracts")
        expect(contracts.get_by_role("row", name="12345-ЭС")).to_be_visible()
        expect(contracts.get_by_role("row", name="12346-ЭС")).to_be_visible()
        expect(contracts.get_by_role("row", name="Итого по договорам")).to_be_visible()
        # The header's switcher opens 12346-ЭС; its statement is its own.
        accountant.get_by_label("Договор", exact=True).select_option(label="12346-ЭС · ООО «Тепломонтаж»")
        accountant.get_by_role("button", name="Выбрать").click()
        expect(accountant.locator(".cabinet__contract")).to_contain_text("12346-ЭС")
        tabs.get_by_role("link", name="Взаиморасчеты").click()
        filename, pages = downloaded_pdf(accountant, "Справка по взаиморасчетам")
        assert "12346-ES" in filename
        assert "12346-ЭС" in pages[0] and "12345-ЭС" not in "".join(pages)
        response = accountant.goto(live_server.url + f"/readings/{demo_customer['meter']}/submit/")
        assert response.status == 403
        expect(accountant.get_by_text("Доступ запрещен")).to_be_visible()
    finally:
        other.close()

    page.goto(page.base_url + "/journal/")
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="Приглашение принято").filter(has_text="Зайцева Мария")).to_have_count(2)
    expect(rows.filter(has_text="Приглашен сотрудник").filter(has_text=EMAIL)).to_have_count(2)
