"""Item 4 of the security issue: wrong passwords typed elsewhere lock out
unknown browsers only; the customer's own browser, which signed in before
and carries a device cookie, still signs in (OWASP device cookies)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.devices import DEVICE_COOKIE
from tests.conftest import PASSWORD, make_contract

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def _sign_in(client, secret, number="12345-ЭС"):
    return client.post(LOGIN, {"contract_number": number, "secret": secret})


def _known_browser() -> Client:
    browser = Client()
    assert _sign_in(browser, PASSWORD).status_code == 302
    browser.post(LOGOUT)
    return browser


def test_a_sign_in_leaves_a_signed_long_lived_http_only_cookie(client, contract, settings):
    response = _sign_in(client, PASSWORD)
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.DEVICE_COOKIE_DAYS * 24 * 60 * 60
    assert not cookie["secure"]  # SECURE_COOKIES is off in tests
    # A failed sign-in leaves none.
    assert DEVICE_COOKIE not in _sign_in(Client(), "wrong-password").cookies


def test_the_cookie_is_secure_when_cookies_are(client, contract, settings):
    settings.SESSION_COOKIE_SECURE = True
    assert _sign_in(client, PASSWORD).cookies[DEVICE_COOKIE]["secure"]


def test_an_attackers_failures_do_not_lock_out_the_known_browser(contract):
    browser = _known_browser()
    attacker = Client()
    for _ in range(10):
        assert _sign_in(attacker, "wrong-password").status_code == 400
    # Unknown browsers are locked out, even with the right password...
    assertContains(_sign_in(attacker, PASSWORD), "Слишком много попыток", status_code=429)
    assertContains(_sign_in(Client(), PASSWORD), "Слишком много попыток", status_code=429)
    # ...the customer's own browser is not.
    assert _sign_in(browser, PASSWORD).status_code == 302
    assert SESSION_KEY in browser.session


def test_the_known_browsers_own_failures_lock_only_that_browser(contract):
    browser = _known_browser()
    for _ in range(10):
        assert _sign_in(browser, "wrong-password").status_code == 400
    assertContains(_sign_in(browser, PASSWORD), "Слишком много попыток", status_code=429)
    assert _sign_in(Client(), PASSWORD).status_code == 302
    assert _known_browser() is not None  # and another known browser signs in too


def test_a_cookie_of_another_account_or_a_forged_one_counts_as_unknown(contract):
    make_contract(number="12346-ЭС", inn="7702070139", kpp="770201001")
    other = Client()
    assert _sign_in(other, PASSWORD, number="12346-ЭС").status_code == 302
    other.post(LOGOUT)
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "eyJkIjoieCIsImEiOltdfQ:forged:signature"
    for index in range(10):
        assert _sign_in(other if index % 2 else forged, "wrong-password").status_code == 400
    assert _sign_in(Client(), PASSWORD).status_code == 429
    # The other account's own known browser is untouched.
    assert _sign_in(other, PASSWORD, number="12346-ЭС").status_code == 302


def test_an_e_mail_sign_in_is_remembered_the_same_way(contract):
    from tests.conftest import make_person

    make_person(email="glavbuh@teplomontazh.example", roles={})
    browser = Client()
    assert _sign_in(browser, PASSWORD, number="Glavbuh@teplomontazh.example").status_code == 302
    browser.post(LOGOUT)
    for _ in range(10):
        _sign_in(Client(), "wrong-password", number="glavbuh@teplomontazh.example")
    assert _sign_in(Client(), PASSWORD, number="glavbuh@teplomontazh.example").status_code == 429
    assert _sign_in(browser, PASSWORD, number="glavbuh@teplomontazh.example").status_code == 302


def test_the_browser_that_completes_a_registration_is_a_known_one(first_contract, sms_outbox):
    import re

    from django.core import mail

    from tests.accounts.conftest import NEW_PASSWORD, inn_client, registration_data

    inn_client().post(reverse("accounts:register"), registration_data())
    link = re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    browser = Client()
    assert DEVICE_COOKIE in browser.post(link).cookies
    browser.post(LOGOUT)
    for _ in range(10):
        _sign_in(Client(), "wrong-password", number="54321-ЭС")
    assert _sign_in(browser, NEW_PASSWORD, number="54321-ЭС").status_code == 302
