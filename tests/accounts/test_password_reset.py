import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Contract, User
from tests.accounts.conftest import last_code
from tests.conftest import PASSWORD, client_for, make_contract

pytestmark = pytest.mark.django_db
RESET = reverse("accounts:password-reset")
SEND = reverse("accounts:password-reset-send")
CODE = reverse("accounts:password-reset-code")
NEW = reverse("accounts:password-reset-new")
LOGIN = reverse("accounts:login")
FRESH = "Novyi-Parol-77"


@pytest.fixture
def registered(db) -> Contract:
    contract = make_contract(number="12345-ЭС")
    User.objects.filter(contract=contract).update(email="ivanov@mail.ru", phone="+79025550112")
    return contract


def _start(client, number="12345-ЭС"):
    response = client.post(RESET, {"contract_number": number})
    assertRedirects(response, SEND, fetch_redirect_response=False)
    return client.get(SEND)


def _signs_in(password) -> bool:
    response = Client().post(LOGIN, {"contract_number": "12345-ЭС", "secret": password})
    return response.status_code == 302


def test_forgot_password_link_on_the_sign_in_page_leads_here(client):
    assertContains(client.get(LOGIN), f'href="{RESET}"')
    page = client.get(RESET)
    assertContains(page, "Восстановление пароля")
    assertContains(page, "Номер договора")


def test_no_contact_is_shown_masked_or_not(client, registered):
    page = _start(client)
    assertContains(page, "По электронной почте: на адрес e-mail, указанный в личном кабинете")
    assertContains(page, "По SMS: на номер телефона, указанный в личном кабинете")
    for hidden in ["ivanov@mail.ru", "i***@", "mail.ru", "5550112", "***"]:
        assertNotContains(page, hidden)


def test_recovery_by_e_mail_link(client, registered):
    _start(client)
    response = client.post(SEND, {"method": "email"})
    assertContains(response, "Проверьте почту")
    assertNotContains(response, "mail.ru")
    message = mail.outbox[-1]
    assert message.to == ["ivanov@mail.ru"]
    assert message.subject == "Восстановление пароля в личном кабинете АО «ЭнСер»"
    assert message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/password/reset/link/\S+/)", message.body).group(1)
    browser = Client()
    response = browser.get(link)
    assertRedirects(response, NEW, fetch_redirect_response=False)
    page = browser.get(NEW)
    assertContains(page, "Введите новый пароль")
    assertContains(page, "Подтвердите новый пароль")
    response = browser.post(NEW, {"new_password1": FRESH, "new_password2": FRESH})
    assertRedirects(response, LOGIN, fetch_redirect_response=False)
    assert _signs_in(FRESH) and not _signs_in(PASSWORD)
    # The link works once.
    assert Client().get(link).status_code == 400


def test_recovery_by_sms_code(client, registered, sms_outbox):
    _start(client)
    response = client.post(SEND, {"method": "sms"})
    assertRedirects(response, CODE, fetch_redirect_response=False)
    assert sms_outbox[-1].to == "+79025550112"
    page = client.get(CODE)
    assertNotContains(page, "+7(902)")
    assertContains(page, "Код подтверждения")
    response = client.post(CODE, {"action": "confirm", "code": last_code(sms_outbox)})
    assertRedirects(response, NEW, fetch_redirect_response=False)
    response = client.post(NEW, {"new_password1": FRESH, "new_password2": FRESH})
    assert response.status_code == 302
    assert _signs_in(FRESH)
    # The code is spent.
    assert client.get(NEW).status_code == 400


def test_new_password_rules_apply(client, registered, sms_outbox):
    _start(client)
    client.post(SEND, {"method": "sms"})
    client.post(CODE, {"action": "confirm", "code": last_code(sms_outbox)})
    for first, second, message in [
        (FRESH, FRESH + "x", "Пароли не совпадают."),
        ("Kod-123", "Kod-123", "как минимум 8"),
        ("K" * 10 + "-" + "1" * 10, "K" * 10 + "-" + "1" * 10, "не более 20 символов"),
    ]:
        response = client.post(NEW, {"new_password1": first, "new_password2": second})
        assertContains(response, message, status_code=400)
    assert _signs_in(PASSWORD)


def test_a_wrong_recovery_code_is_refused(client, registered, sms_outbox):
    _start(client)
    client.post(SEND, {"method": "sms"})
    wrong = "000000" if last_code(sms_outbox) != "000000" else "111111"
    response = client.post(CODE, {"action": "confirm", "code": wrong})
    assertContains(response, "Осталось попыток: 4", status_code=400)
    assert client.get(NEW).status_code == 400


def test_a_forged_or_expired_recovery_link_is_refused(client, registered, monkeypatch):
    _start(client)
    client.post(SEND, {"method": "email"})
    link = re.search(r"http://testserver(/password/reset/link/\S+/)", mail.outbox[-1].body).group(1)
    assert Client().get("/password/reset/link/MQ/forged-token/").status_code == 400
    assert Client().get("/password/reset/link/%%%/x/").status_code in (400, 404)
    later = dt.datetime.now() + dt.timedelta(hours=24, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = Client().get(link)
    assertContains(response, "Ссылка недействительна", status_code=400)


def test_setting_a_new_password_ends_every_session(client, registered, sms_outbox):
    signed_in = client_for(registered)
    assert signed_in.get(reverse("cabinet:home")).status_code == 200
    _start(client)
    client.post(SEND, {"method": "sms"})
    client.post(CODE, {"action": "confirm", "code": last_code(sms_outbox)})
    client.post(NEW, {"new_password1": FRESH, "new_password2": FRESH})
    assert signed_in.get(reverse("cabinet:home")).status_code == 302
    assert SESSION_KEY not in client.session


def test_new_password_page_without_a_proof_is_refused(client):
    assert client.get(NEW).status_code == 400
    assertRedirects(client.get(CODE), RESET, fetch_redirect_response=False)
    assertRedirects(client.get(SEND), RESET, fetch_redirect_response=False)


def test_malformed_contract_number_is_explained(client):
    response = client.post(RESET, {"contract_number": "12-34"})
    assertContains(response, "в формате 00000-ЭС", status_code=400)


def test_a_recovery_code_lives_five_minutes(client, registered, sms_outbox, clock):
    _start(client)
    client.post(SEND, {"method": "sms"})
    clock.advance(minutes=5, seconds=1)
    response = client.post(CODE, {"action": "confirm", "code": last_code(sms_outbox)})
    assertContains(response, "Срок действия кода истек", status_code=400)


@pytest.mark.parametrize("number", ["12345-ЭС", "77777-ЭС"])
def test_a_resend_too_soon_on_the_code_page_says_how_long_to_wait(
    client, registered, sms_outbox, clock, number
):
    _start(client, number)
    assertRedirects(client.post(SEND, {"method": "sms"}), CODE, fetch_redirect_response=False)
    sent = len(sms_outbox)
    clock.advance(seconds=30)
    response = client.post(CODE, {"action": "send-sms"})
    # As registration answers a resend too soon: 400 and the wait, for any contract.
    assert response.status_code == 400
    assertContains(response, "Новый код можно запросить через 30 с.", status_code=400)
    assert len(sms_outbox) == sent
    clock.advance(seconds=30)
    response = client.post(CODE, {"action": "send-sms"})
    assertRedirects(response, CODE, fetch_redirect_response=False)
    assert len(sms_outbox) == (2 if number == "12345-ЭС" else 0)


@pytest.mark.parametrize("number", ["12345-ЭС", "77777-ЭС"])
def test_a_second_browser_asking_within_the_wait_is_answered_as_for_any_contract(
    client, registered, sms_outbox, clock, number
):
    first = Client()
    _start(first, number)
    assertRedirects(first.post(SEND, {"method": "sms"}), CODE, fetch_redirect_response=False)
    sent = len(sms_outbox)
    # Another browser, moments later: the wait counts per number typed, whoever asks,
    # registered or not.
    clock.advance(seconds=20)
    _start(client, number)
    response = client.post(SEND, {"method": "sms"})
    assertContains(response, "Новый код можно запросить через 40 с.", status_code=400)
    assert len(sms_outbox) == sent


def test_a_code_confirmed_in_one_browser_proves_nothing_in_another(client, registered, sms_outbox, clock):
    owner = Client()
    _start(owner)
    owner.post(SEND, {"method": "sms"})
    # Someone else asks for a code for the same contract a minute later (a new one is sent)...
    clock.advance(seconds=61)
    _start(client)
    assertRedirects(client.post(SEND, {"method": "sms"}), CODE, fetch_redirect_response=False)
    code = last_code(sms_outbox)
    # ...the owner confirms the code their phone got...
    assertRedirects(owner.post(CODE, {"action": "confirm", "code": code}), NEW, fetch_redirect_response=False)
    # ...and the other browser, which never saw it, gets nothing from that.
    response = client.post(CODE, {"action": "confirm", "code": "000000" if code != "000000" else "111111"})
    assertContains(response, "Неверный код подтверждения", status_code=400)
    assert client.get(NEW).status_code == 400


def test_a_person_who_signs_in_by_e_mail_recovers_by_e_mail(client, registered):
    from tests.conftest import make_person

    make_person(email="glavbuh@teplomontazh.example", roles={registered: "accountant"})
    response = client.post(RESET, {"contract_number": "GlavBuh@teplomontazh.example"})
    assertRedirects(response, SEND, fetch_redirect_response=False)
    page = client.get(SEND)
    assertContains(page, "По электронной почте")
    assertNotContains(page, "По SMS")
    assertContains(client.post(SEND, {"method": "email"}), "Проверьте почту")
    message = mail.outbox[-1]
    assert message.to == ["glavbuh@teplomontazh.example"]
    assert "glavbuh@teplomontazh.example" in message.body
    link = re.search(r"http://testserver(/password/reset/link/\S+/)", message.body).group(1)
    browser = Client()
    browser.get(link)
    response = browser.post(NEW, {"new_password1": FRESH, "new_password2": FRESH})
    assertRedirects(response, LOGIN, fetch_redirect_response=False)
    signed_in = Client().post(LOGIN, {"contract_number": "glavbuh@teplomontazh.example", "secret": FRESH})
    assert signed_in.status_code == 302


def test_a_malformed_e_mail_is_explained(client):
    response = client.post(RESET, {"contract_number": "buh@"})
    assertContains(response, "e-mail, например buh@example.ru", status_code=400)
