"""The rules of SMS codes and of the first sign-in, called as services
(no HTTP): the resend wait, wrong tries and the kill, expiry, and the INN
that opens registration."""

import pytest

from accounts.codes import (
    CODE_DEAD,
    CODE_EXPIRED,
    ResendTooSoon,
    code_check,
    code_send,
    resend_wait,
)
from accounts.models import ConfirmationCode, User
from accounts.passwords import (
    ResetProgress,
    password_reset_code_request,
    password_reset_code_verify,
)
from accounts.registration import (
    registration_draft,
    registration_draft_initial,
    registration_open_by_inn,
    registration_sms_start,
)
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, last_code
from tests.conftest import make_contract
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db
RESET = ConfirmationCode.Purpose.PASSWORD_RESET


@pytest.fixture
def phone_contract(db):
    contract = make_contract(number="12345-ЭС")
    User.objects.filter(contract=contract).update(phone="+79025550112")
    return contract


def _send(contract) -> ConfirmationCode:
    """Sends a code and delivers it, as the queue's worker does at once."""
    code = code_send(contract=contract, purpose=RESET, phone="+79025550112", sms_name="password-reset-code")
    queued_jobs_run()
    return code


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# The resend wait (SMS_CODE_RESEND_AFTER, 60 s by default).


def test_resend_wait_counts_down_from_the_last_code_and_rounds_up(clock, settings):
    settings.SMS_CODE_RESEND_AFTER = 60
    sent_at = clock.now
    assert resend_wait(last_sent_at=None) == 0
    assert resend_wait(last_sent_at=sent_at) == 60
    clock.advance(seconds=44.5)
    assert resend_wait(last_sent_at=sent_at) == 16
    clock.advance(seconds=15.5)
    assert resend_wait(last_sent_at=sent_at) == 0


def test_a_code_asked_for_too_soon_is_refused_with_the_wait(phone_contract, clock, sms_outbox):
    _send(phone_contract)
    clock.advance(seconds=45)
    with pytest.raises(ResendTooSoon, match=r"^Новый код можно запросить через 15 с\.$"):
        _send(phone_contract)
    assert len(sms_outbox) == 1
    clock.advance(seconds=15)
    _send(phone_contract)
    assert len(sms_outbox) == 2


@pytest.mark.parametrize("number", ["12345-ЭС", "77777-ЭС"])
def test_recovery_holds_the_same_wait_for_made_up_contacts(phone_contract, clock, number):
    progress = password_reset_code_request(
        progress=ResetProgress(number=number), base_url="http://testserver/"
    )
    clock.advance(seconds=30)
    with pytest.raises(ResendTooSoon, match=r"через 30 с\."):
        password_reset_code_request(progress=progress, base_url="http://testserver/")
    clock.advance(seconds=30)
    again = password_reset_code_request(progress=progress, base_url="http://testserver/")
    assert again.sent_at == clock.now.timestamp()


def test_recovery_progress_survives_the_session_round_trip(phone_contract, clock):
    progress = password_reset_code_request(
        progress=ResetProgress(number="12345-ЭС"), base_url="http://testserver/"
    )
    assert ResetProgress.from_session(progress.to_session()) == progress
    assert progress.code_requested and progress.last_sent_at == clock.now


# Wrong tries: SMS_CODE_MAX_ATTEMPTS (5) and the code is dead, the right one too.


def test_wrong_tries_are_counted_and_the_fifth_kills_the_code(phone_contract, sms_outbox, settings):
    settings.SMS_CODE_MAX_ATTEMPTS = 5
    record = _send(phone_contract)
    right = last_code(sms_outbox)
    messages = [code_check(code_id=record.pk, typed=_wrong(right)).message for _ in range(5)]
    assert messages == [
        "Неверный код подтверждения. Осталось попыток: 4.",
        "Неверный код подтверждения. Осталось попыток: 3.",
        "Неверный код подтверждения. Осталось попыток: 2.",
        "Неверный код подтверждения. Осталось попыток: 1.",
        CODE_DEAD,
    ]
    assert code_check(code_id=record.pk, typed=right).message == CODE_DEAD
    record.refresh_from_db()
    assert record.failed_attempts == 5 and record.confirmed_at is None


def test_made_up_contacts_count_wrong_tries_as_a_real_code_does(db, settings):
    settings.SMS_CODE_MAX_ATTEMPTS = 5
    progress = password_reset_code_request(
        progress=ResetProgress(number="77777-ЭС"), base_url="http://testserver/"
    )
    assert progress.code_id is None
    queued_jobs_run()
    messages = []
    for _ in range(5):
        result, progress = password_reset_code_verify(progress=progress, typed="123456")
        messages.append(result.message)
    assert messages[0] == "Неверный код подтверждения. Осталось попыток: 4."
    assert messages[-1] == CODE_DEAD
    assert progress.tries == 5


def test_a_right_code_after_wrong_tries_confirms(phone_contract, sms_outbox):
    record = _send(phone_contract)
    right = last_code(sms_outbox)
    assert not code_check(code_id=record.pk, typed=_wrong(right)).ok
    assert code_check(code_id=record.pk, typed=f" {right[:3]} {right[3:]} ").ok


# Expiry: SMS_CODE_LIFETIME (5 minutes by default).


def test_a_code_expires_after_its_lifetime(phone_contract, sms_outbox, clock, settings):
    settings.SMS_CODE_LIFETIME = 300
    record = _send(phone_contract)
    right = last_code(sms_outbox)
    clock.advance(seconds=299)
    assert code_check(code_id=record.pk, typed=_wrong(right)).message.startswith("Неверный код")
    clock.advance(seconds=1)
    result = code_check(code_id=record.pk, typed=right)
    assert not result.ok and result.message == CODE_EXPIRED


# The first sign-in by INN: a service call that opens registration, never a sign-in.


@pytest.fixture
def first_contract(db):
    return make_contract(number=FIRST_NUMBER, inn=FIRST_INN, name="ООО «Уралтехсервис»", registered=False)


def test_the_inn_of_an_unregistered_contract_opens_its_registration(first_contract):
    assert registration_open_by_inn(contract_number="54321 эс", inn=f" {FIRST_INN} ") == first_contract
    assert not User.objects.filter(contract=first_contract).exists()


def test_the_inn_of_a_registered_contract_is_refused(db):
    contract = make_contract(number="12345-ЭС", inn="7453012342")
    assert registration_open_by_inn(contract_number=contract.number, inn="7453012342") is None


@pytest.mark.parametrize(
    ("number", "inn"),
    [(FIRST_NUMBER, "7453012342"), (FIRST_NUMBER, ""), ("99999-ЭС", FIRST_INN), ("не номер", FIRST_INN)],
)
def test_a_wrong_inn_or_contract_is_refused(first_contract, number, inn):
    assert registration_open_by_inn(contract_number=number, inn=inn) is None


def test_a_deactivated_account_stays_closed_to_the_inn(first_contract):
    User.objects.create(username=first_contract.number, contract=first_contract, is_active=False)
    assert registration_open_by_inn(contract_number=FIRST_NUMBER, inn=FIRST_INN) is None


def test_no_authentication_backend_answers_to_an_inn(first_contract):
    from django.contrib.auth import authenticate

    assert authenticate(None, contract_number=FIRST_NUMBER, secret=FIRST_INN) is None


# "Изменить данные регистрации": what was typed comes back, never the password.


def test_changing_registration_data_brings_back_what_was_typed_but_the_password(first_contract, db):
    pending, _ = registration_sms_start(
        contract=first_contract, email="ivanov@mail.ru", phone="+79025550112", password="Teplo-Set-2024"
    )
    draft = registration_draft(request=pending)
    assert "Teplo-Set-2024" not in str(draft) and pending.password not in str(draft)
    assert registration_draft_initial(draft=draft, contract=first_contract) == {
        "email": "ivanov@mail.ru",
        "phone": "+7 902 555-01-12",
        "method": "sms",
    }
    other = make_contract(number="12345-ЭС")
    assert registration_draft_initial(draft=draft, contract=other) is None
    assert registration_draft_initial(draft=None, contract=first_contract) is None
