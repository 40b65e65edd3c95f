"""Item 1 of the security issue: a registration is announced to the
contacts billing holds for the contract, whose «это не я» suspends the new
account and alerts staff."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Contract, User
from tests.accounts.conftest import FIRST_NUMBER, NEW_PASSWORD, last_code, registration_data

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")
HOME = reverse("cabinet:home")


@pytest.fixture
def billed(first_contract):
    """The contacts billing holds for 54321-ЭС: the real customer's."""
    Contract.objects.filter(pk=first_contract.pk).update(
        billing_email="buh@uraltehservis.ru", billing_phone="+7 912 300-40-50"
    )
    return first_contract


def _register_by_email(client, email="thief@mail.ru") -> Client:
    client.post(REGISTER, registration_data(email=email))
    link = re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    browser = Client()
    assertRedirects(browser.post(link), HOME, fetch_redirect_response=False)
    return browser


def _not_me_link(text: str) -> str:
    return re.search(r"http://testserver(/register/not-me/[^\s]+/)", text).group(1)


def test_a_registration_is_announced_to_the_billing_contacts(registering_client, billed, sms_outbox):
    _register_by_email(registering_client)
    letter = mail.outbox[-1]
    assert letter.to == ["buh@uraltehservis.ru"]
    assert "54321-ЭС" in letter.subject and "зарегистрирован" in letter.subject
    assert "Это не я" in letter.body and _not_me_link(letter.body)
    assert "thief" not in letter.body
    sms = sms_outbox[-1]
    assert sms.to == "+79123004050" and _not_me_link(sms.body)


def test_by_sms_too_and_not_to_the_registrants_own_contacts(registering_client, billed, sms_outbox):
    Contract.objects.filter(pk=billed.pk).update(
        billing_email="Ivanov@mail.ru", billing_phone="+7 902 555-01-12"
    )
    registering_client.post(REGISTER, registration_data(method="sms"))
    registering_client.post(REGISTER, {"action": "confirm", "code": last_code(sms_outbox)})
    assertRedirects(
        registering_client.post(REGISTER, {"action": "save"}), HOME, fetch_redirect_response=False
    )
    assert len(sms_outbox) == 1  # the code only: the registrant's own phone
    assert mail.outbox == []  # and own address


def test_a_landline_gets_no_sms(registering_client, billed, sms_outbox):
    Contract.objects.filter(pk=billed.pk).update(billing_phone="+7 (3513) 55-12-34")
    _register_by_email(registering_client)
    assert sms_outbox == []
    assert mail.outbox[-1].to == ["buh@uraltehservis.ru"]


def test_not_me_suspends_the_account_and_alerts_staff(registering_client, billed, settings):
    settings.STAFF_ALERT_EMAIL = "security@rm-enser.ru"
    thief = _register_by_email(registering_client)
    assert thief.get(HOME).status_code == 200
    link = _not_me_link(mail.outbox[-1].body)

    # Opening the link (a scanner, twice) changes nothing.
    for _ in range(2):
        page = Client().get(link)
        assertContains(page, "54321-ЭС")
        assertContains(page, "Это не я")
    assert User.objects.get(contract=billed).is_active

    response = Client().post(link)
    assertContains(response, "Вход в личный кабинет по договору 54321-ЭС приостановлен")
    user = User.objects.get(contract=billed)
    assert not user.is_active
    billed.refresh_from_db()
    assert billed.registration_disputed_at is not None
    # The thief's session is over and the password no longer signs in.
    assert thief.get(HOME).status_code == 302
    assert SESSION_KEY not in thief.session
    assert Client().post(LOGIN, {"contract_number": FIRST_NUMBER, "secret": NEW_PASSWORD}).status_code == 400
    alert = mail.outbox[-1]
    assert alert.to == ["security@rm-enser.ru"]
    assert "54321-ЭС" in alert.subject and "thief@mail.ru" in alert.body
    # Pressing again changes nothing more and sends nothing more.
    sent = len(mail.outbox)
    assertContains(Client().post(link), "приостановлен")
    assert len(mail.outbox) == sent


def test_the_flag_is_visible_to_staff(registering_client, billed, admin_client):
    _register_by_email(registering_client)
    Client().post(_not_me_link(mail.outbox[-1].body))
    page = admin_client.get(reverse("admin:accounts_contract_changelist"))
    assertContains(page, "оспорена")
    page = admin_client.get(
        reverse("admin:accounts_contract_changelist") + "?registration_disputed_at__isnull=False"
    )
    assertContains(page, "54321-ЭС")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_refused(billed, method):
    response = getattr(Client(), method)("/register/not-me/eyJyIjoxLCJjIjoxfQ:forged:signature/")
    assertContains(response, "Ссылка недействительна", status_code=400)


def test_a_link_of_an_undone_registration_no_longer_works(registering_client, billed, admin_client):
    _register_by_email(registering_client)
    link = _not_me_link(mail.outbox[-1].body)
    admin_client.post(
        reverse("admin:accounts_contract_changelist"),
        {"action": "registration_reset", "_selected_action": [billed.pk]},
    )
    assertContains(Client().post(link), "Ссылка недействительна", status_code=400)
    assert User.objects.get(contract=billed).is_active


def test_an_old_link_has_expired(registering_client, billed, settings, monkeypatch):
    import time

    _register_by_email(registering_client)
    link = _not_me_link(mail.outbox[-1].body)
    later = time.time() + settings.REGISTRATION_DISPUTE_DAYS * 86400 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assertContains(Client().post(link), "Ссылка недействительна", status_code=400)


def test_the_new_pages_cost_a_few_queries(registering_client, billed, django_assert_max_num_queries):
    registering_client.post(REGISTER, registration_data(email="thief@mail.ru"))
    link = re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    with django_assert_max_num_queries(4):
        assertContains(Client().get(link), "Подтвердить")
    Client().post(link)
    not_me = _not_me_link(mail.outbox[-1].body)
    with django_assert_max_num_queries(4):
        assertContains(Client().get(not_me), "Это не я")
    # The suspension, the staff letter queued, and the tests' queue delivering it.
    with django_assert_max_num_queries(25):
        assertContains(Client().post(not_me), "приостановлен")
