import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_contract

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_customer_signs_in_sees_the_debt_and_signs_out(page, contract):
    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()
    page.get_by_label("Номер договора").fill("12345 эс")
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()
    expect(page.get_by_text("Задолженность 13 481,16 ₽")).to_be_visible()
    for tab in ["Взаиморасчеты", "Начисления", "Оплаты", "Показания", "Реквизиты и контакты"]:
        expect(page.get_by_role("link", name=tab, exact=True)).to_be_visible()
    page.get_by_role("button", name="Выход").click()
    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()
    page.goto(page.base_url + "/")
    expect(page.get_by_role("button", name="Войти")).to_be_visible()


def test_wrong_password_is_told_without_saying_which_field(page, contract):
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill("wrong-password")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_have_text("Неверный номер договора или ИНН/пароль.")


def test_first_sign_in_by_inn_opens_registration(page, db):
    make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("54321-ЭС")
    page.get_by_label("ИНН/Пароль").fill("7456009877")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Окно регистрации для юридических лиц")).to_be_visible()


def test_pages_fit_a_phone_and_keyboard_focus_is_visible(phone_page, contract):
    page = phone_page
    page.goto(page.base_url + "/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_label("Запомнить данные").check()
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Задолженность 13 481,16 ₽")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    days = (cookie["expires"] - dt.datetime.now().timestamp()) / 86400
    assert 29 < days <= 30
