"""SMS: one template per message, rendered when it is queued and sent later
by the outbox through the backend named in settings.

settings.SMS_BACKEND is "file" (one file per message under SMS_FILE_PATH,
the development default), "console", "locmem" (messages collect in
`outbox`, for tests) or "twilio" (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
TWILIO_FROM; TWILIO_API_BASE points the client at another address). A
backend that cannot work (Twilio not configured) raises SmsDeliveryError as
the message is queued, which views turn into a message; a message that did
not leave raises it at delivery, and the outbox tries again.

Each sending thread keeps its HTTP client to the provider, and with it the
open HTTPS connection, between messages: a worker sending codes and notices
does not shake hands with the provider for each one.
"""

import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from enser_cabinet.plain_text import render_plain

if TYPE_CHECKING:  # the twilio library is imported only when an SMS goes by it
    from twilio.http.http_client import TwilioHttpClient


class SmsDeliveryError(Exception):
    """The message did not leave; the text is safe to show to the customer."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


# The "locmem" backend's sent messages, like django.core.mail.outbox.
outbox: list[SmsMessage] = []


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()


class LocmemBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class FileBackend(BaseSmsBackend):
    """One text file per message, named by time so that `ls` sorts them."""

    def send(self, message: SmsMessage) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / name).write_text(f"To: {message.to}\n\n{message.body}\n", encoding="utf-8")
        except OSError as error:
            raise SmsDeliveryError("Не удалось отправить SMS. Попробуйте позже.") from error


def _twilio_http_client(api_base: str):
    from twilio.http.http_client import TwilioHttpClient

    class RebasedHttpClient(TwilioHttpClient):
        """Sends what the library addresses to https://api.twilio.com to api_base."""

        def request(self, method, url, *args, **kwargs):
            parts = urlsplit(url)
            base = api_base.rstrip("/")
            query = f"?{parts.query}" if parts.query else ""
            return super().request(method, f"{base}{parts.path}{query}", *args, **kwargs)

    return RebasedHttpClient(timeout=settings.SMS_TIMEOUT)


_kept = threading.local()


def _kept_http_client() -> "TwilioHttpClient":
    """This thread's HTTP client to the provider's API (requests keeps its
    connections open), made again when the address or the timeout changed."""
    from twilio.http.http_client import TwilioHttpClient

    made_for = (settings.TWILIO_API_BASE, settings.SMS_TIMEOUT)
    if getattr(_kept, "made_for", None) != made_for:
        _kept.http_client = (
            _twilio_http_client(settings.TWILIO_API_BASE)
            if settings.TWILIO_API_BASE
            else TwilioHttpClient(timeout=settings.SMS_TIMEOUT)
        )
        _kept.made_for = made_for
    return _kept.http_client


class TwilioBackend(BaseSmsBackend):
    def __init__(self) -> None:
        from twilio.rest import Client

        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM):
            raise SmsDeliveryError("Отправка SMS не настроена. Выберите подтверждение по электронной почте.")
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=_kept_http_client()
        )

    def send(self, message: SmsMessage) -> None:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException

        try:
            self.client.messages.create(to=message.to, from_=settings.TWILIO_FROM, body=message.body)
        except (TwilioException, RequestException, OSError) as error:
            raise SmsDeliveryError(
                "Не удалось отправить SMS на этот номер. Проверьте номер телефона или попробуйте позже."
            ) from error


BACKENDS = {
    "file": FileBackend,
    "console": ConsoleBackend,
    "locmem": LocmemBackend,
    "twilio": TwilioBackend,
}


def sms_backend() -> BaseSmsBackend:
    name = settings.SMS_BACKEND
    backend_class = BACKENDS.get(name) or import_string(name)
    return backend_class()


def sms_render(*, name: str, context: dict) -> str:
    """The text of templates/sms/<name>.txt."""
    return render_plain(f"sms/{name}.txt", context).strip()
