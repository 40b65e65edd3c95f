import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from accounts.models import User
from tests.conftest import client_for, make_contract, make_invoice, make_payment

pytestmark = pytest.mark.django_db
HOME = reverse("cabinet:home")


def test_the_main_page_is_the_cabinets_own_at_the_root(customer_client):
    assert HOME == "/"
    assertTemplateUsed(customer_client.get(HOME), "cabinet/home.html")


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_main_page_shows_the_contract_and_its_debt(customer_client):
    response = customer_client.get(HOME)
    for text in [
        "Добрый день!",
        "Номер Договора",
        "12345-ЭС",
        "Состояние счета",
        'Задолженность <span class="amount">13\u00a0481,16&nbsp;₽</span>',
        "Оформить обращение",
        "Подключайте электронный документооборот",
        "Выход",
        "Взаиморасчеты",
        "Начисления",
        "Оплаты",
        "Показания",
        "Реквизиты и контакты",
    ]:
        assertContains(response, text)


def test_main_page_shows_an_overpayment(contract):
    make_payment(contract, dt.date(2022, 1, 20), "14000.00")
    assertContains(client_for(contract).get(HOME), 'Переплата <span class="amount">518,84&nbsp;₽</span>')


def test_main_page_says_when_nothing_is_owed(contract):
    make_payment(contract, dt.date(2022, 1, 20), "13481.16")
    assertContains(client_for(contract).get(HOME), "Задолженности нет")


def test_one_customer_sees_only_its_own_balance(customer_client, other_contract):
    page = customer_client.get(HOME)
    assertNotContains(page, "777\u00a0777,77")
    assertNotContains(page, other_contract.number)


def test_staff_without_a_contract_gets_404(db):
    staff = User.objects.create_user(username="operator", password="x-Staff-2024", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(HOME).status_code == 404


def test_main_page_queries_do_not_grow_with_history(django_assert_max_num_queries):
    short = make_contract(number="10001-ЭС")
    make_invoice(short, dt.date(2024, 1, 31), "100.00")
    long = make_contract(number="10002-ЭС")
    for month in range(120):
        year, index = divmod(month, 12)
        make_invoice(long, dt.date(2015 + year, index + 1, 28), "100.00")
        make_payment(long, dt.date(2015 + year, index + 1, 28), "50.00")
    for contract in (short, long):
        client = client_for(contract)
        with django_assert_max_num_queries(3):  # user, balance, last charge (the session is cached)
            assert client.get(HOME).status_code == 200
    assertContains(client_for(long).get(HOME), 'Задолженность <span class="amount">6\u00a0000,00')


def test_pages_answer_in_russian_with_404_page(customer_client):
    response = customer_client.get("/no-such-page/")
    assertContains(response, "Страница не найдена", status_code=404)
