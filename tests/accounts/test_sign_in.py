from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.forms import SIGN_IN_FAILED
from accounts.views import REGISTRATION_SESSION_KEY
from tests.conftest import PASSWORD, make_contract

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def sign_in(client, number, secret, remember=False):
    data = {"contract_number": number, "secret": secret}
    if remember:
        data["remember"] = "on"
    return client.post(LOGIN, data)


def test_sign_in_page_has_the_manuals_labels(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    for text in [
        "Вход в личный кабинет",
        "Номер договора",
        "ИНН/Пароль",
        "Запомнить данные",
        "Забыли пароль?",
        "Войти",
        "Направить документы онлайн",
        'lang="ru"',
        "Главная",
        "Личный кабинет юридического лица",
        "8(3513)29-15-35",
        "АО «ЭнСер»",
    ]:
        assertContains(response, text)
    assertContains(response, '<label for="id_contract_number">')
    assertContains(response, '<label for="id_secret">')


@pytest.mark.parametrize("typed", ["12345-ЭС", "12345 эс", "12345ЭС", "12345-ES", "12345-Эc"])
def test_registered_contract_signs_in_with_its_password(client, contract, typed):
    response = sign_in(client, typed, PASSWORD)
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    assert int(client.session[SESSION_KEY]) == contract.user.pk


def test_wrong_password_and_unknown_contract_get_the_same_message(client, contract):
    wrong_password = sign_in(client, "12345-ЭС", "not-the-password")
    unknown_contract = sign_in(client, "55555-ЭС", PASSWORD)
    for response in (wrong_password, unknown_contract):
        assertContains(response, SIGN_IN_FAILED, status_code=400)
        assert SESSION_KEY not in client.session


def test_malformed_number_is_explained_next_to_the_field(client, contract):
    response = sign_in(client, "12-34", PASSWORD)
    assertContains(response, "в формате 00000-ЭС", status_code=400)
    assertContains(response, 'id="id_contract_number_error"', status_code=400)


def test_registered_contract_does_not_sign_in_with_its_inn(client, contract):
    response = sign_in(client, "12345-ЭС", contract.organization.inn)
    assertContains(response, SIGN_IN_FAILED, status_code=400)
    assert REGISTRATION_SESSION_KEY not in client.session


def test_unregistered_contract_with_its_inn_goes_to_registration(client):
    contract = make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    response = sign_in(client, "54321 эс", "7456009877")
    assertRedirects(response, reverse("accounts:register"), fetch_redirect_response=False)
    # Registration only: the cabinet stays closed.
    assert SESSION_KEY not in client.session
    assert client.session[REGISTRATION_SESSION_KEY] == contract.pk
    page = client.get(reverse("accounts:register"))
    assertContains(page, "Окно регистрации для юридических лиц")
    assertContains(page, "54321-ЭС")
    assert client.get(reverse("cabinet:home")).status_code == 302


def test_unregistered_contract_with_a_wrong_inn_is_refused(client):
    make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    response = sign_in(client, "54321-ЭС", "7453012342")
    assertContains(response, SIGN_IN_FAILED, status_code=400)


def test_without_remember_the_session_ends_with_the_browser(client, contract):
    sign_in(client, "12345-ЭС", PASSWORD)
    assert client.session.get_expire_at_browser_close()
    assert not client.cookies["sessionid"]["max-age"]


def test_with_remember_the_session_lasts_30_days(client, contract):
    sign_in(client, "12345-ЭС", PASSWORD, remember=True)
    assert not client.session.get_expire_at_browser_close()
    assert client.cookies["sessionid"]["max-age"] == 30 * 24 * 60 * 60


def test_next_is_followed_only_within_the_site(client, contract):
    response = client.post(LOGIN + "?next=/charges/", {"contract_number": "12345-ЭС", "secret": PASSWORD})
    assertRedirects(response, "/charges/", fetch_redirect_response=False)
    client.logout()
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"contract_number": "12345-ЭС", "secret": PASSWORD}
    )
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)


@pytest.mark.parametrize("target", ["home", "a\x00b", "accounts:requisites", "charges/", "/\\evil.example"])
def test_next_that_is_no_path_of_the_site_leads_home(client, contract, target):
    client.raise_request_exception = False
    response = client.post(
        LOGIN + "?" + urlencode({"next": target}), {"contract_number": "12345-ЭС", "secret": PASSWORD}
    )
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)


def test_sign_out_is_a_post(customer_client):
    assert customer_client.get(reverse("accounts:logout")).status_code == 405
    response = customer_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in customer_client.session
    assert customer_client.get(reverse("cabinet:home")).status_code == 302


def test_inactive_user_cannot_sign_in(client, contract):
    contract.user.is_active = False
    contract.user.save()
    assert sign_in(client, "12345-ЭС", PASSWORD).status_code == 400


def test_too_many_attempts_for_one_contract_get_429(client, contract, settings):
    for _ in range(10):
        assert sign_in(client, "12345-ЭС", "wrong-password").status_code == 400
    response = sign_in(client, "12345 эс", PASSWORD)
    assertContains(response, "Слишком много попыток", status_code=429)
    assert SESSION_KEY not in client.session


def test_too_many_attempts_from_one_address_get_429(client, contract):
    for index in range(30):
        sign_in(client, f"{20000 + index}-ЭС", "wrong-password")
    assert sign_in(client, "12345-ЭС", PASSWORD).status_code == 429


def test_first_sign_in_by_inn_writes_no_account(client):
    from accounts.models import User

    make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    assert sign_in(client, "54321-ЭС", "7456009877").status_code == 302
    assert not User.objects.filter(username="54321-ЭС").exists()


def test_a_deactivated_account_is_closed_to_the_inn_as_well(client):
    from accounts.models import User

    contract = make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    User.objects.create(username=contract.number, contract=contract, is_active=False)
    assert sign_in(client, "54321-ЭС", "7456009877").status_code == 400
