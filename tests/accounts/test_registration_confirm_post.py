"""The e-mail link opens a page with one «Подтвердить» button: a mail
scanner that pre-opens links (GET, as often as it likes) registers nothing
and gets no session; the browser that presses the button does."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import RegistrationRequest
from tests.accounts.conftest import registration_data

pytestmark = pytest.mark.django_db


def _link(registering_client) -> str:
    registering_client.post(reverse("accounts:register"), registration_data())
    return re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)


def test_opening_the_link_twice_changes_nothing(registering_client, first_contract):
    link = _link(registering_client)
    scanner = Client()
    for _ in range(2):
        page = scanner.get(link)
        assertContains(page, "Подтвердить")
        assertContains(page, "54321-ЭС")
        assertContains(page, 'method="post"')
    first_contract.refresh_from_db()
    assert not first_contract.is_registered
    assert RegistrationRequest.objects.get(contract=first_contract).completed_at is None
    assert SESSION_KEY not in scanner.session


def test_pressing_the_button_registers_and_signs_in_that_browser(registering_client, first_contract):
    link = _link(registering_client)
    Client().get(link)  # a scanner came first
    browser = Client()
    assertContains(browser.get(link), "Подтвердить")
    response = browser.post(link)
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    first_contract.refresh_from_db()
    assert first_contract.is_registered
    assert int(browser.session[SESSION_KEY]) == first_contract.user.pk


def test_a_bad_link_is_refused_on_both_methods(registering_client, first_contract):
    _link(registering_client)
    for method in ("get", "post"):
        response = getattr(Client(), method)("/register/confirm/Zm9yZ2VkLXRva2Vu/")
        assertContains(response, "Ссылка недействительна", status_code=400)
    first_contract.refresh_from_db()
    assert not first_contract.is_registered
