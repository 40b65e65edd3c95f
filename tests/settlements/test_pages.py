import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.conftest import client_for, make_payment
from tests.settlements.conftest import MANUAL_PERIOD, html

pytestmark = pytest.mark.django_db

SETTLEMENTS = reverse("settlements:settlements")
CHARGES = reverse("settlements:charges")
PAYMENTS = reverse("settlements:payments")


def test_settlements_show_the_manuals_example(demo_client):
    response = demo_client.get(SETTLEMENTS, MANUAL_PERIOD)
    page = html(response)
    for label in ["Дата", "Начислено, р.", "Оплачено, р.", "Тип операции", "Начальная дата", "Конечная дата"]:
        assertContains(response, label)
    assertContains(response, "Справка по взаиморасчетам")
    opening, rows_and_closing = page.split("Сальдо на начало периода:", 1)[1].split("31.10.2021", 1)
    assert "0,00" in opening
    assert "5 392,46" in rows_and_closing
    assert "30.11.2021" in rows_and_closing and "8 088,70" in rows_and_closing
    assert rows_and_closing.count("Окончательный счет") == 2
    totals = rows_and_closing.split("Итого", 1)[1]
    assert "13 481,16" in totals.split("Сальдо на конец периода:", 1)[0]
    assert "13 481,16" in totals.split("Сальдо на конец периода:", 1)[1]
    assert "(задолженность)" in totals


def test_payments_and_the_balance_after_them(demo_client):
    page = html(demo_client.get(SETTLEMENTS, {"start": "01.01.2022", "end": "28.02.2022"}))
    closing = page.split("Сальдо на конец периода:", 1)[1]
    # Opening 13 481,16; January's invoice and February's; October's payment
    # (5 392,46) on 18.01 and the manual's 151,67 on 25.02.
    assert "25.02.2022" in page and "151,67" in page
    assert "18.01.2022" in page and "5 392,46" in page
    assert "13 481,16" in page.split("Сальдо на начало периода:", 1)[1].split("</tr>", 1)[0]
    assert "Оплата" in page
    assert "(задолженность)" in closing


def test_the_default_period_is_the_current_year(demo_client, clock):
    clock.set(dt.datetime(2022, 3, 15, 12, tzinfo=dt.UTC))
    response = demo_client.get(SETTLEMENTS)
    assertContains(response, 'name="start" value="2022-01-01"')
    assertContains(response, 'name="end" value="2022-12-31"')
    assertContains(response, "за период с 01.01.2022 по 31.12.2022")
    assertNotContains(response, "31.10.2021")


def test_dates_typed_as_in_russia_come_back_in_the_date_inputs(demo_client):
    response = demo_client.get(SETTLEMENTS, MANUAL_PERIOD)
    assertContains(response, 'type="date" name="start" value="2021-10-01"')
    assertContains(response, 'type="date" name="end" value="2021-12-31"')


def test_charges_list_invoices_with_lines_folded(demo_client):
    response = demo_client.get(CHARGES, MANUAL_PERIOD)
    page = html(response)
    for label in ["Дата", "№", "Сумма, р.", "Сумма НДС, р.", "Детализировать все", "Загрузить справку"]:
        assertContains(response, label)
    assertContains(response, "Детализировать 31.10.2021")
    assertContains(response, "ЭРО-202110-12345")
    assert "5 392,46" in page and "898,74" in page
    for header in [
        "Установка", "Адрес", "Тариф", "Единица", "Кол-во", "Цена, р.", "Сумма без НДС, р.",
        "Сумма НДС, р.", "Ставка НДС", "Всего, р.", "Вид ставки", "Сумма периода, р.",
    ]:  # fmt: skip
        assertContains(response, f">{header}</th>")
    line = page.split("Детализировать 31.10.2021", 1)[1].split("Детализировать 30.11.2021", 1)[0]
    for figure in ["3,32", "1353,53", "4493,72", "898,74", "20,00", "5392,46"]:
        assert f">{figure}</td>" in line, figure
    assertNotContains(response, "<details open>")
    totals = page.split("<tfoot>", 1)[1]
    assert "Итого" in totals and "13 481,16" in totals


def test_detail_all_opens_every_invoice_without_javascript(demo_client):
    response = demo_client.get(CHARGES, {**MANUAL_PERIOD, "all": "1"})
    assertContains(response, "<details open>", count=2)
    assertContains(response, "Свернуть все")
    folded = demo_client.get(CHARGES, {**MANUAL_PERIOD, "all": ["1", "0"]})
    assertNotContains(folded, "<details open>")


def test_an_invoice_opens_on_its_own_page(demo_client, demo):
    invoice = demo.invoices.get(date=dt.date(2021, 10, 31))
    response = demo_client.get(reverse("settlements:invoice", args=[invoice.pk]))
    assertContains(response, "ЭРО-202110-12345 от 31.10.2021")
    for figure in ["3,32", "1353,53", "4493,72", "898,74", "20,00", "5392,46"]:
        assertContains(response, f">{figure}</td>")


def test_payments_show_the_manuals_example_and_the_bank_button(demo_client, settings):
    settings.SBERBANK_ONLINE_URL = "https://online.sberbank.example/pay"
    response = demo_client.get(PAYMENTS, {"start": "25.02.2022", "end": "25.02.2022"})
    page = html(response)
    for label in ["Начальная дата", "Конечная дата", "Дата", "Сумма р.", "Вид операции", "Итого"]:
        assertContains(response, label)
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr>") == 1
    assert "25.02.2022" in rows and "151,67" in rows and "Оплата" in rows
    assert "151,67" in page.split("<tfoot>", 1)[1]
    assertContains(response, 'href="https://online.sberbank.example/pay"')
    assertContains(response, "Сбербанк Онлайн")
    assertContains(response, 'aria-label="Обновить"')


def test_the_bank_button_leads_to_sberbank_by_default(demo_client):
    assertContains(demo_client.get(PAYMENTS), 'href="https://online.sberbank.ru/"')


def test_the_bank_button_stays_when_the_period_is_refused(demo_client, settings):
    settings.SBERBANK_ONLINE_URL = "https://online.sberbank.example/pay"
    response = demo_client.get(PAYMENTS, {"start": "31.02.2022", "end": "25.02.2022"})
    assertContains(response, 'href="https://online.sberbank.example/pay"', status_code=400)


def test_empty_periods_say_so(demo_client):
    period = {"start": "01.01.2019", "end": "31.12.2019"}
    assertContains(demo_client.get(SETTLEMENTS, period), "За период нет ни начислений, ни оплат.")
    assertContains(demo_client.get(CHARGES, period), "За период начислений нет.")
    assertContains(demo_client.get(PAYMENTS, period), "За период оплат нет.")


def test_an_overpayment_closes_below_zero(contract):
    make_payment(contract, dt.date(2021, 12, 20), "14000.00")
    page = html(client_for(contract).get(SETTLEMENTS, MANUAL_PERIOD))
    closing = page.split("Сальдо на конец периода:", 1)[1]
    assert "-518,84" in closing and "(переплата)" in closing
    assert "14 000,00" in page.split("Итого", 1)[1]


def test_a_wrong_period_keeps_the_dates_in_the_inputs(demo_client):
    response = demo_client.get(SETTLEMENTS, {"start": "31.12.2021", "end": "01.10.2021"})
    assertContains(response, 'name="start" value="2021-12-31"', status_code=400)
    assertContains(response, 'name="end" value="2021-10-01"', status_code=400)
    assertContains(response, "Конечная дата не может быть раньше начальной.", status_code=400)


def test_the_other_tabs_open_on_the_chosen_period(demo_client):
    response = demo_client.get(
        reverse("settlements:settlements"), {"start": "01.10.2021", "end": "31.12.2021"}
    )
    for name in ("settlements", "charges", "payments"):
        assertContains(
            response, f'href="{reverse(f"settlements:{name}")}?start=2021-10-01&amp;end=2021-12-31"'
        )
    refused = demo_client.get(reverse("settlements:charges"), {"start": "31.12.2021", "end": "01.10.2021"})
    assertContains(refused, f'href="{reverse("settlements:payments")}"', status_code=400)
