"""«Добавить договор»: an administrator adds another registered contract of
the same organization by its number and that contract's password; a wrong
number, password or organization gets one and the same answer, rate-limited
with the sign-in; an unregistered one is sent to the manual's registration."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.customers import CONTRACT_SESSION_KEY
from accounts.models import ActionRecord, Membership
from accounts.roles import Role
from accounts.views import REGISTRATION_SESSION_KEY
from cabinet.forms import ADD_REFUSED
from security.models import SecurityEvent
from tests.conftest import PASSWORD, client_for, make_contract, make_person, person_client

pytestmark = pytest.mark.django_db

ADD = reverse("cabinet:contract-add")
HOME = reverse("cabinet:home")
SECOND_PASSWORD = "Vtoroj-Dom-2024"


@pytest.fixture
def second(contract):
    """12346-ЭС of the same organization (the same INN), registered with a password of its own."""
    return make_contract(number="12346-ЭС", password=SECOND_PASSWORD)


def add(client: Client, number: str, password: str):
    return client.post(ADD, {"contract_number": number, "password": password})


def test_the_page_has_the_form(customer_client):
    response = customer_client.get(ADD)
    for text in ["Добавить договор", "Номер договора", "Пароль", 'name="password"']:
        assertContains(response, text)
    assert "no-store" in response["Cache-Control"]


def test_the_right_password_makes_the_administrator_administrator_of_it(customer_client, contract, second):
    response = add(customer_client, "12346 эс", SECOND_PASSWORD)
    assertRedirects(response, HOME, fetch_redirect_response=False)
    membership = Membership.objects.get(user=contract.user, contract=second)
    assert membership.role == Role.ADMIN and membership.created_by == contract.user
    # Opened at once, and the switcher and «Главная» show both.
    assert customer_client.session[CONTRACT_SESSION_KEY] == second.pk
    page = customer_client.get(HOME)
    assertContains(page, "Договор 12346-ЭС добавлен в ваш кабинет и открыт.")
    assertContains(page, "Номер Договора: <strong>12346-ЭС</strong>")
    assertContains(page, "Ваши договоры")
    assertContains(page, f'<option value="{contract.pk}">12345-ЭС · ООО «Тепломонтаж»</option>')
    # The contract's own account is untouched: it still signs in by its number.
    assert second.user.check_password(SECOND_PASSWORD)
    # Both journals have it: the customer's, and staff's security log.
    record = ActionRecord.objects.get(action=ActionRecord.Kind.CONTRACT_ADDED)
    assert (record.user, record.contract) == (contract.user, second)
    assert "12345-ЭС" in record.details
    assert SecurityEvent.objects.filter(kind="people_changed", contract=second, user=contract.user).exists()


def test_a_person_of_their_own_account_adds_it_too(contract, second):
    director = make_person(email="director@teplo.example", roles={contract: Role.ADMIN})
    client = person_client(director)
    assertRedirects(add(client, "12346-ЭС", SECOND_PASSWORD), HOME, fetch_redirect_response=False)
    assert Membership.objects.filter(user=director, contract=second, role=Role.ADMIN).exists()


@pytest.mark.parametrize(
    ("number", "password"),
    [
        ("12346-ЭС", "Nevernyj-2024"),  # a wrong password
        ("12346-ЭС", PASSWORD),  # the password of the contract signed in by, not of this one
        ("99999-ЭС", "Chuzhoj-2024"),  # another organization's contract, its right password
        ("55555-ЭС", SECOND_PASSWORD),  # no such contract
    ],
)
def test_wrong_number_password_or_organization_get_one_answer(
    customer_client, contract, second, other_contract, number, password
):
    other_contract.user.set_password("Chuzhoj-2024")
    other_contract.user.save()
    response = add(customer_client, number, password)
    assertContains(response, ADD_REFUSED, status_code=400)
    assertContains(response, f'value="{number}"', status_code=400)  # the number typed stays
    assertNotContains(response, password, status_code=400)
    assert Membership.objects.filter(user=contract.user).count() == 1


def test_another_organizations_contract_is_not_added_with_its_right_password(customer_client, other_contract):
    other_contract.user.set_password("Chuzhoj-2024")
    other_contract.user.save()
    assertContains(add(customer_client, "99999-ЭС", "Chuzhoj-2024"), ADD_REFUSED, status_code=400)
    assert not Membership.objects.filter(contract=other_contract).exclude(user=other_contract.user).exists()


def test_a_deactivated_contract_account_adds_nothing(customer_client, contract, second):
    second.user.is_active = False
    second.user.save()
    assertContains(add(customer_client, "12346-ЭС", SECOND_PASSWORD), ADD_REFUSED, status_code=400)


def test_a_malformed_number_is_explained_next_to_the_field(customer_client):
    response = add(customer_client, "12-ЭС", "x")
    assertContains(response, "Номер договора указывается в формате 00000-ЭС", status_code=400)


def test_a_contract_already_held_gets_a_message(customer_client, contract, second):
    response = add(customer_client, "12345-ЭС", "anything")
    assertContains(response, "Договор 12345-ЭС уже есть в вашем кабинете.", status_code=400)
    Membership.objects.create(user=contract.user, contract=second, role=Role.VIEWER)
    response = add(customer_client, "12346-ЭС", "anything")
    assertContains(response, "Договор 12346-ЭС уже есть в вашем кабинете.", status_code=400)
    assert Membership.objects.get(user=contract.user, contract=second).role == Role.VIEWER


def test_an_unregistered_contract_of_the_organization_is_sent_to_registration(customer_client, contract):
    make_contract(number="12347-ЭС", registered=False)
    response = add(customer_client, "12347-ЭС", "anything")
    assertContains(response, "Договор 12347-ЭС еще не зарегистрирован в личном кабинете.", status_code=400)
    assertContains(response, "Выйти и зарегистрировать договор 12347-ЭС", status_code=400)
    assert Membership.objects.filter(user=contract.user).count() == 1
    # The button: signed out, the manual's registration form of that contract.
    response = customer_client.post(ADD, {"contract_number": "12347-ЭС", "action": "register"})
    assertRedirects(response, reverse("accounts:register"), fetch_redirect_response=False)
    assert SESSION_KEY not in customer_client.session
    assert (
        customer_client.session[REGISTRATION_SESSION_KEY]
        == contract.organization.contracts.get(number="12347-ЭС").pk
    )
    assertContains(customer_client.get(reverse("accounts:register")), "12347")


def test_an_unregistered_contract_of_another_organization_gets_the_one_answer(customer_client):
    make_contract(
        number="54321-ЭС", inn="7456009877", kpp="745601001", name="ООО «Уралтехсервис»", registered=False
    )
    assertContains(add(customer_client, "54321-ЭС", "anything"), ADD_REFUSED, status_code=400)
    # Nor does the registration button open it.
    response = customer_client.post(ADD, {"contract_number": "54321-ЭС", "action": "register"})
    assert response.status_code == 404
    assert SESSION_KEY in customer_client.session


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.ENGINEER, Role.VIEWER])
def test_only_an_administrator_adds_contracts(contract, second, role):
    person = make_person(email=f"{role.value}@teplo.example", roles={contract: role})
    client = person_client(person)
    assertContains(client.get(ADD), "Доступ запрещен", status_code=403)
    assert add(client, "12346-ЭС", SECOND_PASSWORD).status_code == 403
    assert not Membership.objects.filter(user=person, contract=second).exists()
    assertNotContains(client.get(HOME), "Добавить договор")


def test_the_administrator_finds_the_page_on_home(customer_client):
    assertContains(customer_client.get(HOME), f'href="{ADD}"')


def test_too_many_attempts_for_one_contract_get_429(customer_client, contract, second):
    for _ in range(10):
        assert add(customer_client, "12346-ЭС", "Nevernyj-2024").status_code == 400
    response = add(customer_client, "12346-ЭС", SECOND_PASSWORD)
    assertContains(response, "Слишком много попыток", status_code=429)
    assert not Membership.objects.filter(user=contract.user, contract=second).exists()


def test_attempts_here_and_at_sign_in_count_together(customer_client, second):
    """A contract's password is guessed no faster by both ways than by one."""
    for _ in range(6):
        add(customer_client, "12346-ЭС", "Nevernyj-2024")
    for _ in range(4):
        Client().post(reverse("accounts:login"), {"contract_number": "12346-ЭС", "secret": "Nevernyj-2024"})
    response = Client().post(
        reverse("accounts:login"), {"contract_number": "12346-ЭС", "secret": SECOND_PASSWORD}
    )
    assert response.status_code == 429
    assert add(customer_client, "12346-ЭС", SECOND_PASSWORD).status_code == 429


def test_too_many_attempts_from_one_address_get_429(customer_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in_ip": "3/10m"}
    for index in range(3):
        add(customer_client, f"{20000 + index}-ЭС", "Nevernyj-2024")
    assert add(customer_client, "20009-ЭС", "Nevernyj-2024").status_code == 429


def test_a_contract_added_by_one_administrator_is_theirs_only(contract, second):
    """The other people of 12345-ЭС do not get 12346-ЭС with it."""
    accountant = make_person(email="buh@teplo.example", roles={contract: Role.ACCOUNTANT})
    add(client_for(contract), "12346-ЭС", SECOND_PASSWORD)
    assert not Membership.objects.filter(user=accountant, contract=second).exists()
    assertNotContains(person_client(accountant).get(HOME), "12346-ЭС")
