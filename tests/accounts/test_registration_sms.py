import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import ConfirmationCode, RegistrationRequest, User
from tests.accounts.conftest import (
    FIRST_INN,
    FIRST_NUMBER,
    NEW_PASSWORD,
    last_code,
    registration_data,
)
from tests.conftest import errors_on, make_contract

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")


def _send(client, **overrides):
    response = client.post(REGISTER, registration_data(method="sms", action="send-sms", **overrides))
    assert response.status_code == 302, errors_on(response)
    return client.get(REGISTER)


def _confirm(client, code):
    return client.post(REGISTER, {"action": "confirm", "code": code})


def test_registration_by_sms_step_by_step(registering_client, first_contract, sms_outbox):
    page = _send(registering_client)
    for text in ["СМС подтверждение", "Код подтверждения", "ОК", "Отправить смс", "Сохранить"]:
        assertContains(page, text)
    assertContains(page, "Код подтверждения отправлен на номер +7(902)***-**-12")
    assert len(sms_outbox) == 1
    assert sms_outbox[0].to == "+79025550112"
    code = last_code(sms_outbox)
    assert "Код подтверждения регистрации" in sms_outbox[0].body
    # Not yet: the contract waits for the code.
    first_contract.refresh_from_db()
    assert not first_contract.is_registered

    response = _confirm(registering_client, code)
    assert response.status_code == 302
    assertContains(registering_client.get(REGISTER), "Подтверждено")

    response = registering_client.post(REGISTER, {"action": "save"})
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    first_contract.refresh_from_db()
    assert first_contract.is_registered
    assert first_contract.registration_method == "sms"
    user = User.objects.get(contract=first_contract)
    assert int(registering_client.session[SESSION_KEY]) == user.pk
    assert user.check_password(NEW_PASSWORD)
    assert user.email == "ivanov@mail.ru" and user.phone.as_e164 == "+79025550112"
    assert registering_client.get(reverse("cabinet:home")).status_code == 200
    assert mail.outbox == []
    # The password signs in now, the INN does not.
    assert Client().post(LOGIN, {"contract_number": FIRST_NUMBER, "secret": NEW_PASSWORD}).status_code == 302
    assert Client().post(LOGIN, {"contract_number": FIRST_NUMBER, "secret": FIRST_INN}).status_code == 400


def test_save_with_sms_chosen_sends_the_code(registering_client, sms_outbox):
    response = registering_client.post(REGISTER, registration_data(method="sms", action="save"))
    assert response.status_code == 302
    assert len(sms_outbox) == 1


def test_codes_are_six_digits_and_stored_hashed(registering_client, sms_outbox):
    _send(registering_client)
    code = last_code(sms_outbox)
    record = ConfirmationCode.objects.get()
    assert len(code) == 6 and code.isdigit()
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert record.expires_at - record.created_at == dt.timedelta(minutes=5)


def test_save_before_the_code_is_confirmed_is_refused(registering_client, first_contract):
    _send(registering_client)
    response = registering_client.post(REGISTER, {"action": "save"})
    assertContains(response, "Введите код подтверждения из SMS", status_code=400)
    first_contract.refresh_from_db()
    assert not first_contract.is_registered


def test_a_wrong_code_is_told_with_the_tries_left(registering_client, sms_outbox):
    _send(registering_client)
    wrong = "000000" if last_code(sms_outbox) != "000000" else "111111"
    response = _confirm(registering_client, wrong)
    assertContains(response, "Неверный код подтверждения. Осталось попыток: 4.", status_code=400)
    assertContains(response, 'id="id_code_error"', status_code=400)
    assertNotContains(response, "Подтверждено", status_code=400)


def test_five_wrong_tries_kill_the_code(registering_client, first_contract, sms_outbox, clock):
    _send(registering_client)
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = _confirm(registering_client, wrong)
    assertContains(response, "Код больше не действует", status_code=400)
    # Even the right code does not help now.
    response = _confirm(registering_client, code)
    assertContains(response, "Код больше не действует", status_code=400)
    assert registering_client.post(REGISTER, {"action": "save"}).status_code == 400
    # A new code, after the wait, works.
    clock.advance(seconds=61)
    response = registering_client.post(REGISTER, {"action": "send-sms", "phone": "+79025550112"})
    assert response.status_code == 302
    assert _confirm(registering_client, last_code(sms_outbox)).status_code == 302
    assert registering_client.post(REGISTER, {"action": "save"}).status_code == 302
    first_contract.refresh_from_db()
    assert first_contract.is_registered


def test_a_code_lives_five_minutes(registering_client, first_contract, sms_outbox, clock):
    _send(registering_client)
    clock.advance(minutes=5, seconds=1)
    response = _confirm(registering_client, last_code(sms_outbox))
    assertContains(response, "Срок действия кода истек", status_code=400)


def test_a_code_within_its_life_works(registering_client, sms_outbox, clock):
    _send(registering_client)
    clock.advance(minutes=4, seconds=59)
    assert _confirm(registering_client, last_code(sms_outbox)).status_code == 302


def test_a_resend_too_soon_is_refused(registering_client, sms_outbox, clock):
    _send(registering_client)
    clock.advance(seconds=30)
    response = registering_client.post(REGISTER, {"action": "send-sms", "phone": "+79025550112"})
    assertContains(response, "Новый код можно запросить через 30 с.", status_code=400)
    assert len(sms_outbox) == 1
    assert ConfirmationCode.objects.count() == 1


def test_a_resend_after_a_minute_replaces_the_old_code(registering_client, sms_outbox, clock):
    _send(registering_client)
    old = last_code(sms_outbox)
    clock.advance(seconds=60)
    response = registering_client.post(REGISTER, {"action": "send-sms", "phone": "+7 (912) 000-11-22"})
    assert response.status_code == 302
    assert len(sms_outbox) == 2
    assert sms_outbox[-1].to == "+79120001122"
    new = last_code(sms_outbox)
    if old != new:
        assert _confirm(registering_client, old).status_code == 400
    assert _confirm(registering_client, new).status_code == 302
    registering_client.post(REGISTER, {"action": "save"})
    assert User.objects.get(username=FIRST_NUMBER).phone.as_e164 == "+79120001122"


def test_going_back_to_the_form_does_not_skip_the_wait(registering_client, sms_outbox):
    _send(registering_client)
    registering_client.post(REGISTER, {"action": "change"})
    response = registering_client.post(REGISTER, registration_data(method="sms", action="send-sms"))
    assertContains(response, "Новый код можно запросить", status_code=400)
    assert len(sms_outbox) == 1


def test_sms_that_cannot_be_sent_at_all_keeps_everything_typed(registering_client, first_contract, settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""
    response = registering_client.post(REGISTER, registration_data(method="sms", action="send-sms"))
    assertContains(response, "Отправка SMS не настроена", status_code=400)
    assertContains(response, 'value="ivanov@mail.ru"', status_code=400)
    assertContains(response, 'value="+7 902 555-01-12"', status_code=400)
    assertContains(response, f'value="{NEW_PASSWORD}"', count=2, status_code=400)
    assert not RegistrationRequest.objects.exists() and not ConfirmationCode.objects.exists()
    first_contract.refresh_from_db()
    assert not first_contract.is_registered


def test_a_code_of_another_session_does_not_complete_this_one(first_contract, sms_outbox, clock):
    from tests.accounts.conftest import inn_client

    first = inn_client()
    _send(first, email="first@mail.ru")
    code = last_code(sms_outbox)
    # Another browser may start once the first request has expired (never before).
    clock.advance(hours=24, seconds=1)
    second = inn_client()
    _send(second, email="second@mail.ru")
    # The first request was replaced: its code no longer completes anything.
    first.post(REGISTER, {"action": "confirm", "code": code})
    response = first.post(REGISTER, {"action": "save"})
    assert response.status_code == 400
    first_contract.refresh_from_db()
    assert not first_contract.is_registered


def test_changing_the_registration_data_keeps_what_was_typed_but_the_passwords(
    registering_client, sms_outbox
):
    _send(registering_client)
    response = registering_client.post(REGISTER, {"action": "change"})
    assertRedirects(response, REGISTER, fetch_redirect_response=False)
    response = registering_client.get(REGISTER)
    assertNotContains(response, "Изменить данные регистрации")
    assertContains(response, 'value="ivanov@mail.ru"')
    page = response.content.decode()
    assert re.search(r'name="phone"[^>]*value="\+7 902 555-01-12"', page), "the phone is lost"
    assert re.search(r'value="sms"[^>]*checked|checked[^>]*value="sms"', page), "SMS is no longer chosen"
    assertNotContains(response, NEW_PASSWORD)


def test_a_draft_of_another_contract_is_not_offered(registering_client, sms_outbox):
    _send(registering_client)
    registering_client.post(REGISTER, {"action": "change"})
    make_contract(number="54322-ЭС", inn="7415061109", kpp="741501001", registered=False)
    # The same browser signs in by INN for another contract.
    response = registering_client.post(LOGIN, {"contract_number": "54322-ЭС", "secret": "7415061109"})
    assertRedirects(response, REGISTER, fetch_redirect_response=False)
    page = registering_client.get(REGISTER)
    assertContains(page, "54322-ЭС")
    assertNotContains(page, "ivanov@mail.ru")
