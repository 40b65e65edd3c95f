"""The appeal's letters through Django's SMTP backend to a real local SMTP server."""

import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from appeals.models import Appeal
from tests.appeals.conftest import BRANCH_EMAIL, form_data, upload

pytestmark = pytest.mark.django_db


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_acknowledgment_and_branch_notice_leave_by_smtp(client, choices, smtp_server):
    response = client.post(reverse("appeals:new"), {**form_data(choices), "documents": [upload("scan.pdf")]})
    assert response.status_code == 302
    number = Appeal.objects.get().number
    (to_sender, acknowledgment), (to_branch, notice) = smtp_server.messages
    assert to_sender == ["romashka@example.ru"]
    # The header is folded on the wire; the words are what counts.
    assert " ".join(acknowledgment["Subject"].split()) == f"Обращение № {number} зарегистрировано"
    text = acknowledgment.get_body(preferencelist=("plain",)).get_content()
    assert "scan.pdf" in text
    html = acknowledgment.get_body(preferencelist=("html",)).get_content()
    assert f"№ {number}" in html
    assert to_branch == [BRANCH_EMAIL]
    assert notice["Reply-To"] == "romashka@example.ru"
    assert "/admin/appeals/appeal/" in notice.get_body(preferencelist=("plain",)).get_content()
