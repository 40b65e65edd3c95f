"""REGISTRATION_REQUIRES_CODE: the INN is public, so registration may also
ask for a one-time activation code that staff issue in admin (or billing
prints on the invoice): hashed, single use, expiring, guesses limited."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.activation import activation_code_issue
from accounts.models import ActivationCode, RegistrationRequest
from tests.accounts.conftest import inn_client, registration_data

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")
CHANGELIST = reverse("admin:accounts_contract_changelist")


@pytest.fixture
def requires_code(settings):
    settings.REGISTRATION_REQUIRES_CODE = True


def _complete_by_link() -> Client:
    link = re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    browser = Client()
    assertRedirects(browser.post(link), reverse("cabinet:home"), fetch_redirect_response=False)
    return browser


def test_off_by_default_the_form_asks_for_no_code(registering_client):
    assertNotContains(registering_client.get(REGISTER), "Код активации")


def test_the_inn_alone_no_longer_registers(requires_code, registering_client, first_contract):
    page = registering_client.get(REGISTER)
    assertContains(page, "Код активации")
    response = registering_client.post(REGISTER, registration_data())
    assertContains(response, "Введите код активации", status_code=400)
    response = registering_client.post(REGISTER, registration_data(activation_code="ABCDE-23456"))
    assertContains(response, "Неверный код активации", status_code=400)
    assert not RegistrationRequest.objects.exists() and mail.outbox == []


def test_staff_issue_a_code_that_registers_once(requires_code, admin_client, first_contract):
    response = admin_client.post(
        CHANGELIST, {"action": "issue_activation_code", "_selected_action": [first_contract.pk]}, follow=True
    )
    code = re.search(r"Код активации договора 54321-ЭС: ([A-Z0-9]{5}-[A-Z0-9]{5})", response.content.decode())
    assert code, "the code is shown once in the admin's message"
    stored = ActivationCode.objects.get(contract=first_contract)
    assert code.group(1).replace("-", "") not in stored.code_hash
    # Typed in lower case with spaces, it still matches.
    typed = code.group(1).lower().replace("-", " ")
    response = inn_client().post(REGISTER, registration_data(activation_code=typed))
    assertContains(response, "Подтвердите регистрацию")
    _complete_by_link()
    stored.refresh_from_db()
    assert stored.used_at is not None


def test_a_used_code_is_refused(requires_code, first_contract, admin_user):
    code = activation_code_issue(contract=first_contract)
    inn_client().post(REGISTER, registration_data(activation_code=code))
    _complete_by_link()
    from accounts.registration import contract_registration_reset

    contract_registration_reset(contract=first_contract)
    response = inn_client().post(REGISTER, registration_data(activation_code=code))
    assertContains(response, "уже использован или срок его действия истек", status_code=400)


def test_an_expired_code_is_refused(requires_code, first_contract, clock, settings):
    code = activation_code_issue(contract=first_contract)
    clock.advance(days=settings.ACTIVATION_CODE_DAYS, seconds=1)
    response = inn_client().post(REGISTER, registration_data(activation_code=code))
    assertContains(response, "срок его действия истек", status_code=400)


def test_a_new_code_ends_the_old_one(requires_code, first_contract):
    old = activation_code_issue(contract=first_contract)
    activation_code_issue(contract=first_contract)
    response = inn_client().post(REGISTER, registration_data(activation_code=old))
    assertContains(response, "срок его действия истек", status_code=400)


def test_guesses_are_limited_per_contract(requires_code, first_contract, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "activation_code": "3/h"}
    code = activation_code_issue(contract=first_contract)
    for index in range(3):
        client = inn_client()
        response = client.post(REGISTER, registration_data(activation_code=f"WRONG-0000{index}"))
        assert response.status_code == 400
    # Even the right code waits now: guessing costs the guesser, not a 6-digit space.
    assertContains(
        inn_client().post(REGISTER, registration_data(activation_code=code)),
        "Слишком много попыток",
        status_code=429,
    )


def test_billing_gets_codes_for_unregistered_contracts_in_a_file(
    requires_code, first_contract, contract, tmp_path
):
    from io import StringIO

    from django.core.management import call_command

    target = tmp_path / "codes.csv"
    errors = StringIO()
    call_command("issue_activation_codes", "--dry-run", stderr=errors)
    assert "Будет выдано кодов: 1." in errors.getvalue()
    assert not ActivationCode.objects.exists()
    call_command("issue_activation_codes", "--output", str(target), stderr=errors)
    assert "Выдано кодов: 1." in errors.getvalue()
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "number;activation_code"
    number, code = rows[1].split(";")
    assert len(rows) == 2 and number == "54321-ЭС"  # the registered 12345-ЭС gets none
    response = inn_client().post(REGISTER, registration_data(activation_code=code))
    assertContains(response, "Подтвердите регистрацию")
