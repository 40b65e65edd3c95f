"""Over a limit: 429 with the clear page, and nothing else happens."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import ConfirmationCode, RegistrationRequest
from accounts.views import REGISTRATION_SESSION_KEY
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, registration_data
from tests.conftest import make_contract

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
REGISTER = reverse("accounts:register")
RESET = reverse("accounts:password-reset")


@pytest.fixture
def rates(settings):
    settings.RATE_LIMITS = dict(settings.RATE_LIMITS)
    return settings.RATE_LIMITS


def _is_429(response):
    assertContains(response, "Слишком много попыток", status_code=429)


def test_inn_guesses_are_capped_per_contract(client, first_contract, rates):
    rates["inn_contract"] = "3/h"
    for inn in ["7453012342", "7702070139", "500100732259"]:
        assert client.post(LOGIN, {"contract_number": FIRST_NUMBER, "secret": inn}).status_code == 400
    _is_429(client.post(LOGIN, {"contract_number": "54321 эс", "secret": FIRST_INN}))
    assert REGISTRATION_SESSION_KEY not in client.session


def test_password_attempts_do_not_count_as_inn_guesses(client, contract, rates):
    rates["inn_contract"] = "1/h"
    for _ in range(3):
        assert client.post(LOGIN, {"contract_number": "12345-ЭС", "secret": "wrong-pass"}).status_code == 400


def test_sms_sends_per_phone(registering_client, rates, clock, sms_outbox):
    rates["sms_phone"] = "2/h"
    assert (
        registering_client.post(REGISTER, registration_data(method="sms", action="send-sms")).status_code
        == 302
    )
    clock.advance(seconds=61)
    resend = {"action": "send-sms", "phone": "+79025550112"}
    assert registering_client.post(REGISTER, resend).status_code == 302
    clock.advance(seconds=61)
    _is_429(registering_client.post(REGISTER, resend))
    assert len(sms_outbox) == 2
    assert ConfirmationCode.objects.count() == 2
    # Another phone is not this phone's limit.
    assert registering_client.post(REGISTER, {**resend, "phone": "+79120001122"}).status_code == 302


def test_sms_sends_per_phone_per_day(first_contract, rates, clock, sms_outbox):
    """A number typed at registration gets a few codes a day, whichever
    browser and address ask for them: the form is no way to flood a phone."""
    rates["sms_phone"], rates["sms_phone_day"] = "100/h", "2/d"
    # Three contracts of one organization: a contract's pending request is never replaced.
    numbers = [FIRST_NUMBER, "54322-ЭС", "54323-ЭС"]
    for number in numbers[1:]:
        make_contract(number=number, inn=FIRST_INN, kpp="745601001", registered=False)
    statuses = []
    for index, number in enumerate(numbers):
        client = Client(REMOTE_ADDR=f"10.0.3.{index}")
        client.post(LOGIN, {"contract_number": number, "secret": FIRST_INN})
        statuses.append(client.post(REGISTER, registration_data(method="sms", action="send-sms")))
        clock.advance(seconds=61)  # past the wait between codes
    assert [response.status_code for response in statuses[:2]] == [302, 302]
    _is_429(statuses[2])
    assert len(sms_outbox) == 2


def test_sms_sends_per_address(first_contract, rates, clock, sms_outbox):
    from tests.accounts.conftest import inn_client

    rates["sms_ip"] = "2/h"
    client = inn_client()
    for phone in ["+79025550112", "+79025550113"]:
        response = client.post(REGISTER, registration_data(method="sms", action="send-sms", phone=phone))
        assert response.status_code == 302
        client.post(REGISTER, {"action": "change"})
        clock.advance(seconds=61)
    _is_429(client.post(REGISTER, registration_data(method="sms", action="send-sms", phone="+79025550114")))
    assert len(sms_outbox) == 2
    assert RegistrationRequest.objects.get().phone.as_e164 == "+79025550113"


def test_registration_posts_per_address(registering_client):
    data = registration_data(consent=None)
    for _ in range(30):
        assert registering_client.post(REGISTER, data).status_code == 400
    _is_429(registering_client.post(REGISTER, registration_data()))
    assert mail.outbox == [] and not RegistrationRequest.objects.exists()


def test_reset_requests_per_contract(client, contract):
    for _ in range(5):
        assert client.post(RESET, {"contract_number": "12345-ЭС"}).status_code == 302
    _is_429(Client(REMOTE_ADDR="10.0.0.2").post(RESET, {"contract_number": "12345 эс"}))


def test_reset_requests_per_address(client, contract):
    for number in range(20):
        assert client.post(RESET, {"contract_number": f"{30000 + number}-ЭС"}).status_code == 302
    response = client.post(RESET, {"contract_number": "12345-ЭС"})
    _is_429(response)
    assert client.session["password_reset"]["number"] == "30019-ЭС"


def test_reset_sends_per_contract(contract, sms_outbox, clock):
    for index in range(5):
        client = Client(REMOTE_ADDR=f"10.0.1.{index}")
        client.post(RESET, {"contract_number": "12345-ЭС"})
        assert client.post(reverse("accounts:password-reset-send"), {"method": "email"}).status_code == 200
    client = Client(REMOTE_ADDR="10.0.2.1")
    # The number itself is over its limit now: the first step already refuses.
    _is_429(client.post(RESET, {"contract_number": "12345-ЭС"}))
    assert len(mail.outbox) == 5
