"""Registration and recovery letters through Django's SMTP backend to a real
SMTP server (aiosmtpd, the shared `smtp_server` fixture)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import RegistrationRequest, User
from outbox.models import OutgoingMessage
from outbox.services import message_deliver
from tests.accounts.conftest import registration_data


@pytest.mark.django_db
def test_registration_letter_arrives_over_smtp_and_its_link_works(smtp_server, registering_client):
    response = registering_client.post(reverse("accounts:register"), registration_data())
    assert response.status_code == 200
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["ivanov@mail.ru"]
    # Python folds the encoded header onto a new line; readers drop the leading space.
    assert message["Subject"].strip() == "Подтверждение регистрации в личном кабинете АО «ЭнСер»"
    assert "lk@rm-enser.ru" in message["From"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "договор 54321-ЭС" in text and "Завершить регистрацию" in html
    link = re.search(r"http://testserver(/register/confirm/\S+/)", text).group(1)
    assertRedirects(Client().post(link), reverse("cabinet:home"), fetch_redirect_response=False)
    assert User.objects.get(username="54321-ЭС").contract.is_registered


@pytest.mark.django_db
def test_a_refused_letter_waits_for_its_next_attempt_and_then_arrives(smtp_server, registering_client):
    smtp_server.refuse = True
    response = registering_client.post(reverse("accounts:register"), registration_data())
    assertContains(response, "i***@mail.ru")  # the page says where the letter goes, at once
    assert smtp_server.messages == []
    message = OutgoingMessage.objects.get(name="registration-confirm")
    assert (message.state, message.attempts) == (OutgoingMessage.State.QUEUED, 1)
    assert "SMTPRecipientsRefused" in message.last_error
    assert RegistrationRequest.objects.filter(email="ivanov@mail.ru").exists()

    smtp_server.refuse = False
    message_deliver(message_id=message.pk)  # the worker's next attempt
    [(recipients, letter)] = smtp_server.messages
    assert recipients == ["ivanov@mail.ru"]
    link = re.search(r"http://testserver(/register/confirm/\S+/)", letter.get_body(("plain",)).get_content())
    assertRedirects(Client().post(link.group(1)), reverse("cabinet:home"), fetch_redirect_response=False)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.body) == (OutgoingMessage.State.SENT, 2, "")


@pytest.mark.django_db
def test_no_smtp_server_answers_the_page_and_keeps_the_letter(settings, registering_client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    response = registering_client.post(reverse("accounts:register"), registration_data())
    assertContains(response, "i***@mail.ru")
    message = OutgoingMessage.objects.get(name="registration-confirm")
    assert message.state == OutgoingMessage.State.QUEUED
    assert "ConnectionRefusedError" in message.last_error
