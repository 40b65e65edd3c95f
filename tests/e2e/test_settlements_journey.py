from pathlib import Path

import pytest
from playwright.sync_api import expect

from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.demo import demo_seed
from tests.settlements.conftest import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def set_period(page, start: str, end: str) -> None:
    page.get_by_label("Начальная дата").fill(start)
    page.get_by_label("Конечная дата").fill(end)


def downloaded_pdf(page, button: str) -> tuple[str, list[str]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    content = Path(download.path()).read_bytes()
    return download.suggested_filename, pdf_text(content)


def test_customer_reconciles_the_quarter_and_downloads_both_statements(page):
    demo_seed()
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()

    # Взаиморасчеты: the manual's quarter.
    page.get_by_role("link", name="Взаиморасчеты", exact=True).click()
    expect(page.get_by_role("button", name="Справка по взаиморасчетам")).to_be_visible()
    set_period(page, "2021-10-01", "2021-12-31")
    page.get_by_role("button", name="Показать").click()
    table = page.locator("#settlements")
    expect(table.locator("caption")).to_contain_text("с 01.10.2021 по 31.12.2021")
    expect(table.get_by_role("row", name="31.10.2021")).to_contain_text("5 392,46")
    expect(table.get_by_role("row", name="30.11.2021")).to_contain_text("8 088,70")
    expect(table.get_by_role("row", name="Сальдо на начало периода:")).to_contain_text("0,00")
    expect(table.get_by_role("row", name="Сальдо на конец периода:")).to_contain_text("13 481,16")
    filename, pages = downloaded_pdf(page, "Справка по взаиморасчетам")
    assert filename == "spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.pdf"
    assert "Сальдо на конец периода: 13 481,16" in pages[0]

    # A period that ends before it starts is told next to the field.
    set_period(page, "2021-12-31", "2021-10-01")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_text("Конечная дата не может быть раньше начальной.")).to_be_visible()

    # Начисления: one invoice opens, then all of them.
    page.get_by_role("link", name="Начисления", exact=True).click()
    set_period(page, "2021-10-01", "2021-11-30")
    page.get_by_role("button", name="Показать").click()
    october_line = page.locator(".invoice__lines").first
    expect(october_line).to_be_hidden()
    page.get_by_text("Детализировать 31.10.2021").click()
    expect(october_line).to_be_visible()
    expect(october_line.get_by_role("row").nth(1)).to_contain_text("1353,53")
    page.get_by_role("button", name="Детализировать все").click()
    expect(page.locator(".invoice__lines")).to_have_count(2)
    for lines in page.locator(".invoice__lines").all():
        expect(lines).to_be_visible()
    expect(page.get_by_role("button", name="Свернуть все")).to_be_visible()
    filename, pages = downloaded_pdf(page, "Загрузить справку")
    assert filename == "spravka-nachisleniya-12345-ES-2021-10-01-2021-11-30.pdf"
    assert "3,32 1353,53 4493,72 898,74 20,00 5392,46" in pages[0]

    # Оплаты: the manual's day.
    page.get_by_role("link", name="Оплаты", exact=True).click()
    set_period(page, "2022-02-25", "2022-02-25")
    page.get_by_role("button", name="Обновить").click()
    rows = page.locator("#payments tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("25.02.2022")
    expect(rows.first).to_contain_text("151,67")
    expect(page.get_by_role("link", name="Сбербанк Онлайн")).to_have_attribute(
        "href", "https://online.sberbank.ru/"
    )
