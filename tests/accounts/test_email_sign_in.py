"""A person's own account signs in by e-mail in the "Номер договора" field;
the contract a person works on is kept in the session and checked against
their memberships on every request."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.customers import CONTRACT_SESSION_KEY
from accounts.forms import AMBIGUOUS_EMAIL, BAD_EMAIL, SIGN_IN_FAILED
from accounts.models import Membership, User
from accounts.roles import Role
from tests.conftest import PASSWORD, client_for, make_contract, make_person, person_client

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
HOME = reverse("cabinet:home")


def sign_in(client: Client, login: str, secret: str = PASSWORD):
    return client.post(LOGIN, {"contract_number": login, "secret": secret})


@pytest.fixture
def second(contract):
    """12346-ЭС of the same ООО «Тепломонтаж»."""
    return make_contract(number="12346-ЭС", registered=True)


@pytest.fixture
def accountant(contract, second) -> User:
    return make_person(
        email="glavbuh@teplomontazh.example", roles={contract: Role.ACCOUNTANT, second: Role.ACCOUNTANT}
    )


def test_the_field_says_it_takes_an_e_mail_too(client):
    response = client.get(LOGIN)
    assertContains(response, "Номер договора")
    assertContains(response, "В формате 00000-ЭС или e-mail личной учетной записи")


@pytest.mark.parametrize("typed", ["glavbuh@teplomontazh.example", " GlavBuh@Teplomontazh.Example "])
def test_a_person_signs_in_by_e_mail_in_any_case(client, accountant, typed):
    response = sign_in(client, typed)
    assertRedirects(response, HOME, fetch_redirect_response=False)
    assert int(client.session[SESSION_KEY]) == accountant.pk
    page = client.get(HOME)
    # The first contract by number, with the person's role.
    assertContains(page, "Номер Договора: <strong>12345-ЭС</strong> · Бухгалтер", html=False)


def test_a_wrong_password_by_e_mail_gets_the_plain_message(client, accountant):
    for login, secret in [
        ("glavbuh@teplomontazh.example", "wrong-password"),
        ("nobody@example.ru", PASSWORD),
    ]:
        response = sign_in(client, login, secret)
        assertContains(response, SIGN_IN_FAILED, status_code=400)
        assert SESSION_KEY not in client.session


def test_a_malformed_e_mail_is_explained(client):
    assertContains(sign_in(client, "glavbuh@"), BAD_EMAIL, status_code=400)


def test_a_contract_account_signs_in_by_its_e_mail_as_well(client, contract):
    response = sign_in(client, "buh@example.ru")
    assertRedirects(response, HOME, fetch_redirect_response=False)
    assert int(client.session[SESSION_KEY]) == contract.user.pk
    assert client.session[CONTRACT_SESSION_KEY] == contract.pk


def test_staff_do_not_sign_in_to_the_cabinet_by_e_mail(client):
    User.objects.create_user(username="operator", email="op@rm-enser.ru", password=PASSWORD, is_staff=True)
    assertContains(sign_in(client, "op@rm-enser.ru"), SIGN_IN_FAILED, status_code=400)


def test_an_e_mail_shared_by_several_accounts_is_refused_with_the_way_in(client, contract, second):
    """Two contract accounts from before memberships with one address: which
    is meant cannot be told, so the right password is told to use the number."""
    make_person(email="BUH@example.ru", roles={second: Role.ADMIN})
    response = sign_in(client, "buh@example.ru")
    assertContains(response, AMBIGUOUS_EMAIL, status_code=400)
    assertContains(response, "Войдите по номеру договора", status_code=400)
    assert SESSION_KEY not in client.session
    # A wrong password learns nothing about the address being shared.
    wrong = sign_in(client, "buh@example.ru", "wrong-password")
    assertContains(wrong, SIGN_IN_FAILED, status_code=400)
    assertNotContains(wrong, AMBIGUOUS_EMAIL, status_code=400)
    # The contract number still signs in.
    assertRedirects(sign_in(client, "12345-ЭС"), HOME, fetch_redirect_response=False)


def test_too_many_attempts_for_one_e_mail_get_429(client, accountant):
    for index in range(10):
        # Any case and spacing is the same address for the limit.
        typed = "glavbuh@teplomontazh.example" if index % 2 else " GLAVBUH@teplomontazh.example"
        assert sign_in(client, typed, "wrong-password").status_code == 400
    response = sign_in(client, "glavbuh@teplomontazh.example")
    assertContains(response, "Слишком много попыток", status_code=429)
    assert SESSION_KEY not in client.session


def test_attempts_by_e_mail_count_against_the_address_limit(client, accountant):
    for index in range(30):
        sign_in(client, f"person{index}@example.ru", "wrong-password")
    assert sign_in(client, "glavbuh@teplomontazh.example").status_code == 429


def test_signing_in_by_number_works_on_that_contract(client, contract, second):
    """The administrator of both signs in by 12346-ЭС's number: 12346-ЭС it is."""
    second.user.memberships.create(contract=contract, role=Role.ADMIN)
    assertRedirects(sign_in(client, "12346-ЭС"), HOME, fetch_redirect_response=False)
    assertContains(client.get(HOME), "Номер Договора: <strong>12346-ЭС</strong>")


def test_the_chosen_contract_is_the_one_every_page_shows(accountant, contract, second):
    client = person_client(accountant, contract=second)
    assertContains(client.get(HOME), "Номер Договора: <strong>12346-ЭС</strong>")
    assertContains(client.get(reverse("accounts:requisites")), "12346-ЭС")
    # An invoice of the other contract is not there for this one.
    invoice = contract.invoices.first()
    assert client.get(reverse("settlements:invoice", args=[invoice.pk])).status_code == 404
    assert (
        person_client(accountant, contract=contract)
        .get(reverse("settlements:invoice", args=[invoice.pk]))
        .status_code
        == 200
    )


def test_roles_are_per_contract(contract, second):
    person = make_person(email="ing@example.ru", roles={contract: Role.ACCOUNTANT, second: Role.ENGINEER})
    on_first = person_client(person, contract=contract)
    assert on_first.get(reverse("settlements:settlements")).status_code == 200
    assert on_first.get(reverse("meters:readings")).status_code == 403
    on_second = person_client(person, contract=second)
    assert on_second.get(reverse("settlements:settlements")).status_code == 403
    assert on_second.get(reverse("meters:readings")).status_code == 200


def test_a_removed_membership_takes_effect_at_once(accountant, contract, second):
    client = person_client(accountant, contract=second)
    assertContains(client.get(HOME), "12346-ЭС")
    Membership.objects.filter(user=accountant, contract=second).delete()
    # The next request already works on the contract left.
    assertContains(client.get(HOME), "Номер Договора: <strong>12345-ЭС</strong>")
    Membership.objects.filter(user=accountant).delete()
    assert client.get(HOME).status_code == 404


def test_a_changed_role_takes_effect_at_once(accountant, contract):
    client = person_client(accountant, contract=contract)
    assert client.get(reverse("settlements:settlements")).status_code == 200
    Membership.objects.filter(user=accountant, contract=contract).update(role=Role.ENGINEER)
    assert client.get(reverse("settlements:settlements")).status_code == 403


def test_a_membership_of_an_unregistered_contract_opens_nothing(contract):
    unregistered = make_contract(number="54321-ЭС", registered=False)
    person = make_person(email="x@example.ru", roles={unregistered: Role.ADMIN})
    assert person_client(person).get(HOME).status_code == 404


def test_a_person_with_no_contract_signs_out_from_the_header(contract):
    person = make_person(email="x@example.ru", roles={contract: Role.VIEWER})
    assertContains(person_client(person).get(HOME), "Выход")


PAGES = ["cabinet:home", "settlements:settlements", "meters:readings", "accounts:requisites", "appeals:list"]


def _queries(client: Client) -> list[int]:
    """Each page's queries once it is kept in the cache (enser_cabinet/versioned.py),
    so that the count does not depend on who opened it first."""
    counts = []
    for name in PAGES:
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200, name
        counts.append(len(queries))
    return counts


def test_pages_cost_the_same_queries_with_1_and_20_contracts(contract):
    """A person's memberships are read once and kept under their digest, read
    with the user (accounts/customers.py): their pages cost what a contract's
    own account pays on its own contract (whose role comes with the user),
    whatever the number of memberships."""
    own = _queries(client_for(contract))
    one = make_person(email="one@example.ru", roles={contract: Role.ADMIN})
    many_contracts = [contract] + [make_contract(number=f"{20000 + i}-ЭС") for i in range(19)]
    many = make_person(email="many@example.ru", roles=dict.fromkeys(many_contracts, Role.ADMIN))
    assert _queries(person_client(one)) == own
    assert _queries(person_client(many)) == own
    assert _queries(person_client(many, contract=many_contracts[-1])) == own


def test_a_viewer_changes_their_own_password_and_signs_in_with_it(contract):
    """Просмотр changes nothing of the contract's, but their password is their own."""
    viewer = make_person(email="view@example.ru", roles={contract: Role.VIEWER})
    client = person_client(viewer)
    fresh = "Svoj-Parol-2026"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": fresh, "new_password2": fresh},
    )
    assertRedirects(response, reverse("accounts:requisites"), fetch_redirect_response=False)
    assert contract.user.check_password(PASSWORD)  # the contract's own account is untouched
    assertRedirects(sign_in(Client(), "view@example.ru", fresh), HOME, fetch_redirect_response=False)
