"""The SMS backends, Twilio's included: the twilio library talks to a
loopback HTTP server that plays Twilio's API and checks what it receives."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from accounts import sms
from outbox.models import OutgoingMessage
from tests.accounts.conftest import registration_data

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-for-tests"
SENDER = "+15005550006"


def send(*, name: str, to: str, context: dict) -> None:
    """What the outbox does at delivery: the template's text through the configured backend."""
    sms.sms_backend().send(sms.SmsMessage(to=to, body=sms.sms_render(name=name, context=context)))


def test_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    send(name="registration-code", to="+79025550112", context={"code": "123456", "minutes": 5})
    send(name="password-reset-code", to="+79025550113", context={"code": "654321", "minutes": 5})
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert any(t.startswith("To: +79025550112\n") and "123456" in t for t in texts)
    assert any("Код для смены пароля в ЛК АО «ЭнСер»: 654321" in t for t in texts)


def test_file_backend_failure_is_a_delivery_error(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = blocker / "sms"
    with pytest.raises(sms.SmsDeliveryError):
        send(name="registration-code", to="+79025550112", context={"code": "1", "minutes": 5})


def test_console_backend_prints(settings, capsys):
    settings.SMS_BACKEND = "console"
    send(name="registration-code", to="+79025550112", context={"code": "123456", "minutes": 5})
    out = capsys.readouterr().out
    assert "+79025550112" in out and "123456" in out


def test_locmem_backend_collects(sms_outbox):
    send(name="registration-code", to="+79025550112", context={"code": "123456", "minutes": 5})
    assert sms_outbox == [
        sms.SmsMessage(
            to="+79025550112",
            body="Код подтверждения регистрации в ЛК АО «ЭнСер»: 123456. Действует 5 мин. "
            "Никому не сообщайте код.",
        )
    ]


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers like Twilio's Messages API, keeping connections open as it
    does; remembers the requests and the client's port each came from."""

    protocol_version = "HTTP/1.1"
    received: list = []
    status = 201

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        auth = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
        self.received.append({"path": self.path, "form": form, "auth": auth, "port": self.client_address[1]})
        if self.status == 201:
            payload = {
                "sid": "SM" + "0" * 32,
                "status": "queued",
                "to": form["To"][0],
                "body": form["Body"][0],
            }
        else:
            payload = {
                "code": 21211,
                "message": "The 'To' number is not a valid phone number.",
                "status": 400,
            }
        body = json.dumps(payload).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio_server(settings):
    FakeTwilio.received = []
    FakeTwilio.status = 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM = SENDER
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    yield FakeTwilio
    server.shutdown()
    server.server_close()


def test_twilio_backend_sends_through_the_library(twilio_server):
    send(name="registration-code", to="+79025550112", context={"code": "123456", "minutes": 5})
    [request] = twilio_server.received
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == f"{SID}:{TOKEN}"
    assert request["form"]["To"] == ["+79025550112"]
    assert request["form"]["From"] == [SENDER]
    assert request["form"]["Body"] == [
        "Код подтверждения регистрации в ЛК АО «ЭнСер»: 123456. Действует 5 мин. Никому не сообщайте код."
    ]


def test_messages_in_a_row_share_one_connection_to_the_provider(twilio_server):
    codes = ["111111", "222222", "333333"]
    for code in codes:
        send(name="registration-code", to="+79025550112", context={"code": code, "minutes": 5})
    assert [request["form"]["Body"][0].split(": ")[1][:6] for request in twilio_server.received] == codes
    assert len({request["port"] for request in twilio_server.received}) == 1


def test_twilio_refusal_is_a_delivery_error(twilio_server):
    twilio_server.status = 400
    with pytest.raises(sms.SmsDeliveryError) as error:
        send(name="registration-code", to="+79025550112", context={"code": "1", "minutes": 5})
    assert "Не удалось отправить SMS" in str(error.value)


def test_twilio_unreachable_is_a_delivery_error(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM = SID, TOKEN, SENDER
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(sms.SmsDeliveryError):
        send(name="registration-code", to="+79025550112", context={"code": "1", "minutes": 5})


def test_twilio_without_credentials_is_a_delivery_error(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(sms.SmsDeliveryError) as error:
        send(name="registration-code", to="+79025550112", context={"code": "1", "minutes": 5})
    assert "не настроена" in str(error.value)


@pytest.mark.django_db
def test_registration_code_goes_out_through_twilio(twilio_server, registering_client):
    response = registering_client.post(
        reverse("accounts:register"), registration_data(method="sms", action="send-sms")
    )
    assert response.status_code == 302
    [request] = twilio_server.received
    assert request["form"]["To"] == ["+79025550112"]
    assert "Код подтверждения регистрации" in request["form"]["Body"][0]


@pytest.mark.django_db
def test_a_twilio_refusal_is_tried_again_later(twilio_server, registering_client):
    """The customer is not kept waiting on the provider: the code page opens,
    and the SMS stays queued with Twilio's error for the next attempt."""
    twilio_server.status = 400
    response = registering_client.post(
        reverse("accounts:register"), registration_data(method="sms", action="send-sms")
    )
    assert response.status_code == 302
    assert len(twilio_server.received) == 1
    message = OutgoingMessage.objects.get(channel=OutgoingMessage.Channel.SMS)
    assert (message.state, message.attempts) == (OutgoingMessage.State.QUEUED, 1)
    assert "SmsDeliveryError" in message.last_error
    assert message.next_attempt_at is not None
