"""Item 1 of the security issue: the INN is public, so a second claimant
must not silently void the real customer's pending registration, and the
pending request's owner hears of the attempt."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import RegistrationRequest
from enser_cabinet.formatting import format_date
from outbox.models import OutgoingMessage
from tests.accounts.conftest import inn_client, last_code, registration_data

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")


def _confirm_link(message) -> str:
    return re.search(r"http://testserver(/register/confirm/[^\s]+/)", message.body).group(1)


def test_a_second_claimant_is_refused_and_the_first_link_still_works(first_contract):
    owner = inn_client()
    owner.post(REGISTER, registration_data(email="owner@mail.ru"))
    link = _confirm_link(mail.outbox[-1])
    pending = RegistrationRequest.objects.get(contract=first_contract)

    attacker = inn_client()
    response = attacker.post(REGISTER, registration_data(email="thief@mail.ru"))
    assertContains(response, "Регистрация договора 54321-ЭС уже начата", status_code=409)
    expires = pending.created_at + dt.timedelta(hours=24)
    assertContains(response, format_date(expires), status_code=409)
    assert list(RegistrationRequest.objects.filter(contract=first_contract)) == [pending]
    assert not OutgoingMessage.objects.filter(to="thief@mail.ru").exists()

    # The owner is told of the attempt, in a letter of the cabinet's own words.
    notice = mail.outbox[-1]
    assert notice.to == ["owner@mail.ru"]
    assert "54321-ЭС" in notice.body and "попытк" in notice.body
    assert "thief" not in notice.body

    assertRedirects(Client().post(link), reverse("cabinet:home"), fetch_redirect_response=False)
    first_contract.refresh_from_db()
    assert first_contract.user.email == "owner@mail.ru"


def test_a_second_claimant_by_sms_is_refused_too(first_contract, sms_outbox):
    owner = inn_client()
    owner.post(REGISTER, registration_data(method="sms", phone="+7 902 555-01-12"))
    code = last_code(sms_outbox)
    attacker = inn_client()
    response = attacker.post(REGISTER, registration_data(method="sms", phone="+7 902 777-00-00"))
    assertContains(response, "уже начата", status_code=409)
    # The owner's phone hears of it; the attacker's gets nothing.
    assert [message.to for message in sms_outbox] == ["+79025550112", "+79025550112"]
    assert "54321-ЭС" in sms_outbox[-1].body
    # The owner's code still completes the registration.
    owner.post(REGISTER, {"action": "confirm", "code": code})
    response = owner.post(REGISTER, {"action": "save"})
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)


def test_attempt_notices_are_rate_limited(first_contract, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "registration_notice": "2/d"}
    inn_client().post(REGISTER, registration_data(email="owner@mail.ru"))
    for _ in range(5):
        response = inn_client().post(REGISTER, registration_data(email="thief@mail.ru"))
        assert response.status_code == 409
    assert [m.to for m in mail.outbox] == [["owner@mail.ru"]] * 3  # the link and two notices


def test_the_same_browser_may_correct_its_own_request(registering_client, first_contract):
    registering_client.post(REGISTER, registration_data(email="typo@mail.ru"))
    response = registering_client.post(REGISTER, registration_data(email="ivanov@mail.ru"))
    assertContains(response, "Подтвердите регистрацию")
    assert RegistrationRequest.objects.get(contract=first_contract).email == "ivanov@mail.ru"


def test_an_expired_pending_request_no_longer_blocks(first_contract, clock):
    inn_client().post(REGISTER, registration_data(email="owner@mail.ru"))
    clock.advance(hours=24, seconds=1)
    response = inn_client().post(REGISTER, registration_data(email="late@mail.ru"))
    assertContains(response, "Подтвердите регистрацию")
    assert RegistrationRequest.objects.get(contract=first_contract).email == "late@mail.ru"
