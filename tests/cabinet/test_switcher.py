"""A person with several contracts chooses the one the tabs show in the
header's switcher: kept in the session, every tab, statement and download
is then the chosen contract's alone, kept pages included; a contract that is
not the person's is 404; «Главная» lists every contract with its balance."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.customers import CONTRACT_SESSION_KEY
from accounts.models import Membership
from accounts.roles import Role
from meters.models import Meter
from tests.conftest import client_for, make_contract, make_invoice, make_payment, make_person, person_client
from tests.meters.conftest import make_meter
from tests.settlements.conftest import MANUAL_PERIOD, html, pdf_text, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]

HOME = reverse("cabinet:home")
SELECT = reverse("cabinet:contract-select")
SETTLEMENTS = reverse("settlements:settlements")
SWITCHER = re.compile(r'<form class="switcher".*?</form>', re.S)


@pytest.fixture
def no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def second(contract):
    """12346-ЭС, the organization's second building: a charge of 2 000,00 and
    a payment of 2 500,00 in the manual's months (an overpayment of 500,00)."""
    second = make_contract(number="12346-ЭС")
    make_invoice(second, dt.date(2021, 10, 31), "2000.00", vat="333.33", number="ЭРО-ВТОРОЙ")
    make_payment(second, dt.date(2021, 11, 20), "2500.00")
    return second


@pytest.fixture
def admin_client(contract, second) -> Client:
    """The account of 12345-ЭС, administrator of 12346-ЭС too (as the demo's)."""
    Membership.objects.create(user=contract.user, contract=second, role=Role.ADMIN)
    return client_for(contract)


def choose(client: Client, contract, next_url: str = ""):
    return client.post(SELECT, {"contract": contract.pk, "next": next_url})


def switcher(response) -> str:
    found = SWITCHER.search(response.content.decode())
    return found.group(0) if found else ""


@pytest.mark.parametrize(
    "name",
    ["cabinet:home", "settlements:settlements", "meters:readings", "accounts:requisites", "appeals:list"],
)
def test_the_switcher_is_on_every_tab_with_the_open_contract_chosen(admin_client, contract, second, name):
    form = switcher(admin_client.get(reverse(name)))
    assert f'<option value="{contract.pk}" selected>12345-ЭС · ООО «Тепломонтаж»</option>' in form
    assert f'<option value="{second.pk}">12346-ЭС · ООО «Тепломонтаж»</option>' in form
    assert "Выбрать" in form and 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{reverse(name)}"' in form


def test_a_person_with_one_contract_sees_no_switcher(customer_client):
    for name in ("cabinet:home", "settlements:settlements", "accounts:requisites"):
        page = customer_client.get(reverse(name))
        assert page.status_code == 200 and not switcher(page), name


def test_each_contract_shows_its_own_balance_and_statements_after_switching(admin_client, contract, second):
    page = html(admin_client.get(SETTLEMENTS, MANUAL_PERIOD))
    assert "13 481,16" in page and "2 500,00" not in page
    response = choose(admin_client, second, f"{SETTLEMENTS}?start=01.10.2021&end=31.12.2021")
    assertRedirects(response, f"{SETTLEMENTS}?start=01.10.2021&end=31.12.2021", fetch_redirect_response=False)
    assert admin_client.session[CONTRACT_SESSION_KEY] == second.pk

    page = html(admin_client.get(SETTLEMENTS, MANUAL_PERIOD))
    assert "2 500,00" in page and "Номер Договора: <strong>12346-ЭС</strong>" in page
    assert "13 481,16" not in page and "5 392,46" not in page
    # Every tab, not only the one switched on.
    charges = html(admin_client.get(reverse("settlements:charges"), MANUAL_PERIOD))
    assert "ЭРО-ВТОРОЙ" in charges and "ЭРО-2" not in charges

    (text,) = pdf_text(admin_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD).content)
    assert "12346-ЭС" in text and "Сальдо на конец периода: -500,00" in text
    assert "12345-ЭС" not in text and "5 392,46" not in text
    charges_pdf = "\n".join(
        pdf_text(admin_client.get(reverse("settlements:charges-pdf"), MANUAL_PERIOD).content)
    )
    assert "ЭРО-ВТОРОЙ" in charges_pdf and "ЭРО-1" not in charges_pdf

    def cells(name: str) -> list:
        book = workbook(admin_client.get(reverse(name), MANUAL_PERIOD).content)
        return [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]

    settlements = cells("settlements:settlements-xlsx")
    assert any("12346-ЭС" in str(cell) for cell in settlements) and 2500 in settlements
    assert not any("12345-ЭС" in str(cell) for cell in settlements) and 5392.46 not in settlements
    charges = cells("settlements:charges-xlsx")
    assert "ЭРО-ВТОРОЙ" in charges and "ЭРО-1" not in charges and "ЭРО-2" not in charges
    assert 2500 in cells("settlements:payments-xlsx")

    # And back: the first contract's figures again.
    choose(admin_client, contract)
    (text,) = pdf_text(admin_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD).content)
    assert "12345-ЭС" in text and "Сальдо на конец периода: 13 481,16" in text and "12346-ЭС" not in text


def test_kept_pages_and_statements_do_not_pass_between_contracts(admin_client, contract, second):
    """Each page is first drawn (and kept) for 12345-ЭС, then asked for
    12346-ЭС: the kept copy must not be served."""
    make_meter(contract, serial="ALFA-1")
    make_meter(second, serial="BETA-2")
    names = ["cabinet:home", "settlements:settlements", "settlements:payments", "meters:readings"]
    for name in names:
        admin_client.get(reverse(name), MANUAL_PERIOD)
        admin_client.get(reverse(name), MANUAL_PERIOD)  # read from the cache now
    first_pdf = admin_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD).content
    choose(admin_client, second)
    for name in names:
        page = html(admin_client.get(reverse(name), MANUAL_PERIOD))
        assert "Номер Договора: <strong>12346-ЭС</strong>" in page, name
        # «Главная» lists both contracts; its own panel is the open one's.
        tab = page.split("Добрый день!", 1)[-1]
        assert "13 481,16" not in tab and "5 392,46" not in tab and "ALFA-1" not in tab, name
    assert "BETA-2" in html(admin_client.get(reverse("meters:readings")))
    assert admin_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD).content != first_pdf


def test_a_kept_page_shows_each_person_their_own_switcher(contract, second):
    """Two people with the same role on 12345-ЭС share its kept page, but not
    their lists of contracts: the switcher is drawn for each request."""
    third = make_contract(number="12347-ЭС")
    one = make_person(email="one@example.ru", roles={contract: Role.ACCOUNTANT, second: Role.ACCOUNTANT})
    two = make_person(email="two@example.ru", roles={contract: Role.ACCOUNTANT, third: Role.ACCOUNTANT})
    alone = make_person(email="alone@example.ru", roles={contract: Role.ACCOUNTANT})
    for _ in range(2):
        first = switcher(person_client(one, contract=contract).get(SETTLEMENTS))
        assert "12346-ЭС" in first and "12347-ЭС" not in first
        other = switcher(person_client(two, contract=contract).get(SETTLEMENTS))
        assert "12347-ЭС" in other and "12346-ЭС" not in other
        assert not switcher(person_client(alone).get(SETTLEMENTS))


def test_another_organizations_contract_cannot_be_chosen(admin_client, contract, other_contract):
    choose(admin_client, contract)
    assert choose(admin_client, other_contract).status_code == 404
    assert admin_client.session[CONTRACT_SESSION_KEY] == contract.pk
    page = html(admin_client.get(HOME))
    assert "12345-ЭС" in page and "99999-ЭС" not in page and "777 777,77" not in page


@pytest.mark.parametrize("value", ["", "0", "-1", "abc", "9" * 30, "99999999"])
def test_a_choice_that_is_no_contract_of_the_person_is_404(admin_client, contract, value):
    choose(admin_client, contract)
    response = admin_client.post(SELECT, {"contract": value})
    assert response.status_code == 404
    assertContains(response, "Страница не найдена", status_code=404)
    assert admin_client.session.get(CONTRACT_SESSION_KEY) == contract.pk


def test_an_unregistered_contract_cannot_be_chosen_even_with_a_membership(admin_client, contract):
    unregistered = make_contract(number="12348-ЭС", registered=False)
    Membership.objects.create(user=contract.user, contract=unregistered, role=Role.ADMIN)
    assert choose(admin_client, unregistered).status_code == 404
    assert "12348-ЭС" not in switcher(admin_client.get(HOME))


def test_choosing_is_a_post(admin_client, second):
    admin_client.get(SELECT, {"contract": second.pk})
    assert admin_client.session.get(CONTRACT_SESSION_KEY) != second.pk
    assertContains(admin_client.get(SELECT), "Мои договоры")


def test_a_removed_membership_falls_back_to_another_contract(contract, second):
    person = make_person(
        email="buh@teplo.example", roles={contract: Role.ACCOUNTANT, second: Role.ACCOUNTANT}
    )
    client = person_client(person)
    choose(client, second)
    assertContains(client.get(HOME), "Номер Договора: <strong>12346-ЭС</strong>")
    Membership.objects.filter(user=person, contract=second).delete()
    page = client.get(HOME)
    assertContains(page, "Номер Договора: <strong>12345-ЭС</strong>")
    assert not switcher(page)  # one contract left
    assert choose(client, second).status_code == 404


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/no/such/page/",
        "",
        "/settlements/\x00",
        "/settlements/?start=" + "ж" * 5000,
    ],
)
def test_after_switching_only_a_page_of_this_site_is_returned_to(admin_client, second, target):
    assertRedirects(choose(admin_client, second, target), HOME, fetch_redirect_response=False)
    assert admin_client.session[CONTRACT_SESSION_KEY] == second.pk


def test_a_page_of_one_object_leads_home_after_switching(admin_client, contract, second):
    """An invoice, a meter, an appeal belong to the contract left."""
    invoice = contract.invoices.first()
    target = reverse("settlements:invoice", args=[invoice.pk])
    assertRedirects(choose(admin_client, second, target), HOME, fetch_redirect_response=False)


def test_a_tab_the_role_on_the_chosen_contract_does_not_allow_leads_home(contract, second):
    person = make_person(email="mix@teplo.example", roles={contract: Role.ACCOUNTANT, second: Role.ENGINEER})
    client = person_client(person, contract=contract)
    assertRedirects(choose(client, second, SETTLEMENTS), HOME, fetch_redirect_response=False)
    readings = reverse("meters:readings")
    assertRedirects(choose(client, contract, readings), HOME, fetch_redirect_response=False)
    # A tab both roles open is kept.
    requisites = reverse("accounts:requisites")
    assertRedirects(choose(client, second, requisites), requisites, fetch_redirect_response=False)


def test_objects_of_the_contract_left_are_404_after_switching(admin_client, contract, second):
    """The ids in URLs are checked against the contract open now, not against
    every contract of the person."""
    invoice = contract.invoices.first()
    meter = make_meter(contract, serial="ALFA-1")
    urls = [
        reverse("settlements:invoice", args=[invoice.pk]),
        reverse("paydocs:upd", args=[invoice.pk]),
        reverse("meters:history", args=[meter.pk]),
        reverse("meters:submit", args=[meter.pk]),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url
    choose(admin_client, second)
    for url in urls:
        assert admin_client.get(url).status_code == 404, url
    assert Meter.objects.filter(pk=meter.pk).exists()


# «Главная» with several contracts


def test_home_lists_every_contract_with_its_balance_and_the_total(admin_client, contract, second):
    page = html(admin_client.get(HOME))
    assert "Ваши договоры" in page
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\" data-label=\"Номер договора\">(.*?)</tr>", page, re.S)
    assert [row.split("<", 1)[0] for row in rows] == ["12345-ЭС", "12346-ЭС"]
    assert 'Задолженность <span class="amount">13 481,16 ₽</span>' in rows[0]
    assert "Открыт" in rows[0] and "Открыть" not in rows[0]
    assert 'Переплата <span class="amount">500,00 ₽</span>' in rows[1] and "Открыть" in rows[1]
    assert "Теплоснабжение и горячее водоснабжение" in rows[1]
    # 13 481,16 − 500,00
    assert re.search(r"Итого по договорам.*?Задолженность <span class=\"amount\">12 981,16 ₽", page, re.S)
    # Above the open contract's own panel.
    assert page.index("Ваши договоры") < page.index("Добрый день!")


def test_the_open_button_of_home_switches(admin_client, second):
    response = admin_client.post(SELECT, {"contract": second.pk})
    assertRedirects(response, HOME, fetch_redirect_response=False)
    page = html(admin_client.get(HOME))
    assert "Номер Договора: <strong>12346-ЭС</strong>" in page
    assert re.search(r"12346-ЭС</th>.*?Открыт<", page, re.S)


def test_home_of_one_contract_lists_no_contracts(customer_client):
    assertNotContains(customer_client.get(HOME), "Ваши договоры")


def test_a_new_payment_on_the_other_contract_shows_on_a_kept_home(admin_client, second):
    admin_client.get(HOME)
    admin_client.get(HOME)
    make_payment(second, dt.date(2022, 1, 10), "1000.00")
    page = html(admin_client.get(HOME))
    assert 'Переплата <span class="amount">1 500,00 ₽</span>' in page
    assert re.search(r"Итого по договорам.*?11 981,16", page, re.S)


def test_an_engineer_sees_no_balance_anywhere_on_home(contract, second):
    engineer = make_person(email="ing@teplo.example", roles={contract: Role.ENGINEER, second: Role.ENGINEER})
    page = html(person_client(engineer).get(HOME))
    assert "Ваши договоры" in page and "12346-ЭС" in page
    assert "Состояние счета" not in page and "13 481,16" not in page and "Итого" not in page
    # Nor with one contract.
    single = make_person(email="ing1@teplo.example", roles={contract: Role.ENGINEER})
    page = html(person_client(single).get(HOME))
    assert "Номер Договора: <strong>12345-ЭС</strong>" in page
    assert "Состояние счета" not in page and "13 481,16" not in page and "Задолженность" not in page


def test_balances_are_shown_only_where_the_role_allows_the_money_tabs(contract, second):
    person = make_person(email="mix@teplo.example", roles={contract: Role.ENGINEER, second: Role.ACCOUNTANT})
    page = html(person_client(person, contract=second).get(HOME))
    rows = re.findall(r'<th scope="row" data-label="Номер договора">(.*?)</tr>', page, re.S)
    assert "Не показывается для вашей роли" in rows[0] and "13 481,16" not in page
    assert "Переплата" in rows[1]
    assert re.search(r"Итого по договорам.*?Переплата <span class=\"amount\">500,00 ₽", page, re.S)
    # The same contracts as Инженер of the open one: its own panel has no balance,
    # the kept page of the other view is not served.
    page = html(person_client(person, contract=contract).get(HOME))
    assert "Номер Договора: <strong>12345-ЭС</strong>" in page and "13 481,16" not in page


def test_home_costs_the_same_queries_with_2_and_20_contracts(contract, second):
    many = [contract, second] + [make_contract(number=f"{30000 + i}-ЭС") for i in range(18)]
    for other in many[2:]:
        make_invoice(other, dt.date(2021, 10, 31), "100.00")
    two = make_person(email="two@example.ru", roles={contract: Role.ACCOUNTANT, second: Role.ACCOUNTANT})
    twenty = make_person(email="twenty@example.ru", roles=dict.fromkeys(many, Role.ACCOUNTANT))
    counts = []
    for person in (two, twenty):
        cache.clear()  # each draws its pages
        client = person_client(person, contract=contract)
        for kept in (False, True):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(HOME).status_code == 200
            counts.append((kept, len(queries)))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # Drawn: the memberships, all the balances in one query, the open
    # contract's balance; kept: the memberships only (the session is cached);
    # both: the unread notifications in the head (notices/middleware.py).
    assert counts[0][1] <= 5 and counts[1][1] <= 3, counts
    assert "30017-ЭС" in html(person_client(twenty, contract=contract).get(HOME))


def test_a_refused_page_offers_the_switcher_to_leave_for_another_contract(contract, second):
    person = make_person(email="mix@teplo.example", roles={contract: Role.ENGINEER, second: Role.ACCOUNTANT})
    response = person_client(person, contract=contract).get(SETTLEMENTS)
    assert response.status_code == 403
    assert f'<option value="{second.pk}">12346-ЭС' in switcher(response)


# The contract list and the switcher are kept in the process under the digest
# of the person's memberships, contracts and organizations read with the user
# (accounts/customers.py, accounts/switcher.py): whatever changes, the very
# next request shows it, even on a page kept whole and changed without signals.


def test_a_membership_added_or_removed_shows_in_the_switcher_at_once(admin_client, contract, second):
    third = make_contract(number="12347-ЭС")
    for _ in range(2):  # the second one from what is kept
        form = switcher(admin_client.get(SETTLEMENTS))
        assert "12346-ЭС" in form and "12347-ЭС" not in form
    Membership.objects.create(user=contract.user, contract=third, role=Role.VIEWER)
    form = switcher(admin_client.get(SETTLEMENTS))
    assert f'<option value="{third.pk}">12347-ЭС · ООО «Тепломонтаж»</option>' in form
    assert "12346-ЭС" in form
    Membership.objects.filter(user=contract.user, contract=second).delete()
    form = switcher(admin_client.get(SETTLEMENTS))
    assert "12347-ЭС" in form and "12346-ЭС" not in form
    Membership.objects.filter(user=contract.user, contract=third).delete()
    assert not switcher(admin_client.get(SETTLEMENTS))  # one contract left


def test_a_contract_added_in_the_cabinet_shows_in_the_switcher_at_once(admin_client, contract, second):
    third = make_contract(number="12347-ЭС", password="Tretij-Dom-2024")
    assert "12347-ЭС" not in switcher(admin_client.get(HOME))
    assert "12347-ЭС" not in switcher(admin_client.get(HOME))
    response = admin_client.post(
        reverse("cabinet:contract-add"), {"contract_number": "12347-ЭС", "password": "Tretij-Dom-2024"}
    )
    assertRedirects(response, HOME, fetch_redirect_response=False)
    form = switcher(admin_client.get(SETTLEMENTS))
    assert f'<option value="{third.pk}" selected>12347-ЭС · ООО «Тепломонтаж»</option>' in form
    assert "12346-ЭС" in form and "12345-ЭС" in form


def test_a_renamed_organization_shows_in_the_switcher_at_once(admin_client, contract, second):
    switcher(admin_client.get(SETTLEMENTS))
    assert "12346-ЭС · ООО «Тепломонтаж»" in switcher(admin_client.get(SETTLEMENTS))
    type(second.organization).objects.filter(pk=second.organization_id).update(name="АО «Тепломонтаж»")
    assert "12346-ЭС · АО «Тепломонтаж»" in switcher(admin_client.get(SETTLEMENTS))


def test_a_role_changed_on_the_open_contract_counts_at_once(contract, second):
    """The access a request works on comes from the kept list: a role
    lowered in the database (no signal) is the role of the next request."""
    roles = {contract: Role.ACCOUNTANT, second: Role.ACCOUNTANT}
    person = make_person(email="buh@teplo.example", roles=roles)
    client = person_client(person, contract=second)
    for _ in range(2):
        assert client.get(SETTLEMENTS).status_code == 200
    Membership.objects.filter(user=person, contract=second).update(role=Role.ENGINEER)
    assert client.get(SETTLEMENTS).status_code == 403
    Membership.objects.filter(user=person, contract=second).update(role=Role.ACCOUNTANT)
    assert client.get(SETTLEMENTS).status_code == 200


def test_the_kept_switcher_carries_each_requests_token_and_address(contract, second):
    """Drawn once, the switcher still posts this request's CSRF token and
    comes back to this request's address, escaped."""
    Membership.objects.create(user=contract.user, contract=second, role=Role.ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(contract.user, backend="accounts.backends.ContractPasswordBackend")
    switcher(client.get(SETTLEMENTS))
    form = switcher(client.get(SETTLEMENTS, {"start": "01.10.2021", "end": "31.12.2021"}))
    assert 'name="next" value="/settlements/?start=01.10.2021&amp;end=31.12.2021"' in form
    assert "filled-in" not in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert client.post(SELECT, {"contract": second.pk, "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    response = client.post(SELECT, {"contract": second.pk, "csrfmiddlewaretoken": token})
    assertRedirects(response, HOME, fetch_redirect_response=False)
