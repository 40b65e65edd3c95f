import re
import smtplib

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Contract, RegistrationRequest, User
from outbox.models import OutgoingMessage
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, NEW_PASSWORD, inn_client, registration_data

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")
LOGIN = reverse("accounts:login")


def _link(message) -> str:
    return re.search(r"http://testserver(/register/confirm/[^\s]+/)", message.body).group(1)


def _register_by_email(client, **overrides) -> str:
    response = client.post(REGISTER, registration_data(**overrides))
    assertContains(response, "Подтвердите регистрацию")
    email = overrides.get("email", "ivanov@mail.ru")
    assertContains(response, f"{email[0]}***@mail.ru")
    return _link(mail.outbox[-1])


def test_saving_sends_a_russian_letter_with_text_and_html(registering_client, first_contract):
    _register_by_email(registering_client)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ivanov@mail.ru"]
    assert message.subject == "Подтверждение регистрации в личном кабинете АО «ЭнСер»"
    assert "договор 54321-ЭС" in message.body and "ООО «Уралтехсервис»" in message.body
    assert "24 ч" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Завершить регистрацию" in html and _link(message) in html
    # Nothing is registered until the link is opened; the INN still opens registration.
    first_contract.refresh_from_db()
    assert not first_contract.is_registered
    # No account either: it is made when the link is opened.
    assert not User.objects.filter(contract=first_contract).exists()
    inn_client()


def test_opening_the_link_registers_and_signs_in(registering_client, first_contract):
    link = _register_by_email(registering_client)
    browser = Client()  # the letter may be opened anywhere
    response = browser.post(link)
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    first_contract.refresh_from_db()
    assert first_contract.is_registered
    assert first_contract.registration_method == "email"
    user = first_contract.user
    assert int(browser.session[SESSION_KEY]) == user.pk
    assert user.email == "ivanov@mail.ru" and user.phone.as_e164 == "+79025550112"
    home = browser.get(reverse("cabinet:home"))
    assertContains(home, "Регистрация завершена")
    # From now on the password signs in and the INN does not.
    assert Client().post(LOGIN, {"contract_number": FIRST_NUMBER, "secret": NEW_PASSWORD}).status_code == 302
    assert Client().post(LOGIN, {"contract_number": FIRST_NUMBER, "secret": FIRST_INN}).status_code == 400


def test_a_used_link_says_to_register_again(registering_client, first_contract):
    link = _register_by_email(registering_client)
    assert Client().post(link).status_code == 302
    again = Client()
    response = again.post(link)
    assertContains(response, "Пройдите регистрацию заново", status_code=400)
    assert SESSION_KEY not in again.session


def test_an_expired_link_says_to_register_again_and_the_inn_still_works(
    registering_client, first_contract, settings, clock
):
    settings.CONFIRMATION_LINK_HOURS = 24
    link = _register_by_email(registering_client)
    clock.advance(hours=24, seconds=1)
    response = Client().post(link)
    assertContains(response, "Срок действия ссылки истек", status_code=400)
    first_contract.refresh_from_db()
    assert not first_contract.is_registered
    inn_client()


def test_a_link_just_within_its_life_works(registering_client, first_contract, clock):
    link = _register_by_email(registering_client)
    clock.advance(hours=23, minutes=59)
    assert Client().post(link).status_code == 302


@pytest.mark.parametrize("token", ["x", "A" * 43, "../../admin"])
def test_a_forged_link_is_refused(registering_client, first_contract, token):
    _register_by_email(registering_client)
    response = Client().get(f"/register/confirm/{token}/")
    assert response.status_code in (400, 404)
    first_contract.refresh_from_db()
    assert not first_contract.is_registered


def test_only_the_latest_link_works(registering_client, first_contract):
    first = _register_by_email(registering_client, email="old@mail.ru")
    second = _register_by_email(registering_client, email="ivanov@mail.ru")
    assert Client().post(first).status_code == 400
    assert Client().post(second).status_code == 302
    assert User.objects.get(contract=first_contract).email == "ivanov@mail.ru"


def test_a_pending_link_cannot_overwrite_a_registration_done_meanwhile(first_contract):
    late = _register_by_email(inn_client(), email="late@mail.ru")
    # The contract gets registered another way before the old letter is opened.
    Contract.objects.filter(pk=first_contract.pk).update(
        registered_at=timezone.now(), registration_method="sms"
    )
    user = User(username=first_contract.number, contract=first_contract, email="owner@mail.ru")
    user.set_password("Owner-Pass-2024")
    user.save()
    response = Client().post(late)
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "owner@mail.ru" and user.check_password("Owner-Pass-2024")


def test_failed_delivery_keeps_the_request_and_the_letter_for_another_attempt(
    registering_client, first_contract, monkeypatch
):
    def broken_send(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"ivanov@mail.ru": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    response = registering_client.post(REGISTER, registration_data())
    assertContains(response, "i***@mail.ru")
    assert RegistrationRequest.objects.filter(contract=first_contract, email="ivanov@mail.ru").exists()
    message = OutgoingMessage.objects.get(name="registration-confirm", to="ivanov@mail.ru")
    assert (message.state, message.attempts) == (OutgoingMessage.State.QUEUED, 1)
    assert "no such user" in message.last_error
    first_contract.refresh_from_db()
    assert not first_contract.is_registered
