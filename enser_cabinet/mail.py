"""E-mail: one template set per message, rendered when it is queued and
sent later by the outbox through Django's backends.

A message named `name` has `templates/emails/<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`; the HTML part extends
`emails/base.html`. Subject and text body are plain text, never
HTML-escaped.

Each thread that sends keeps its SMTP session between letters: a worker
sending the month's notices pays for the connection, the greeting, EHLO,
STARTTLS and the login once per SESSION_LETTERS letters, not on each. A
session idle for longer than IDLE_CHECK_SECONDS answers a NOOP before a
letter goes over it (a relay drops idle sessions), and a session on which
anything failed is closed, so a failed letter is tried again later on a
new one, as before.
"""

import contextlib
import smtplib
import threading
import time
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.template.loader import render_to_string

from enser_cabinet.plain_text import render_plain


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    html: str


def email_render(*, name: str, context: dict) -> RenderedEmail:
    return RenderedEmail(
        subject=" ".join(render_plain(f"emails/{name}-subject.txt", context).split()),
        body=render_plain(f"emails/{name}-body.txt", context),
        html=render_to_string(f"emails/{name}-body.html", context),
    )


def email_deliver(
    *,
    to: list[str],
    email: RenderedEmail,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Sends at once; delivery errors (smtplib.SMTPException, OSError) reach the caller."""
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, to=to, reply_to=reply_to, headers=headers
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    session = _smtp_session()
    if session is None:  # files, memory, the console: as Django sends
        message.send(fail_silently=False)
        return
    message.connection = session.backend
    try:
        message.send(fail_silently=False)
    except BaseException:
        _smtp_session_end()
        raise
    session.letters += 1
    session.used = time.monotonic()


# A relay may refuse more letters in one session (some take 100) or drop a
# session left idle (RFC 5321 asks them to wait minutes; some wait less).
SESSION_LETTERS = 100
IDLE_CHECK_SECONDS = 2.0


@dataclass
class _Session:
    backend: SmtpBackend
    server: tuple
    letters: int = 0
    used: float = 0.0

    def alive(self) -> bool:
        if time.monotonic() - self.used <= IDLE_CHECK_SECONDS:
            return True
        try:
            return self.backend.connection.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False


_kept = threading.local()


def _smtp_session() -> _Session | None:
    """This thread's open SMTP session to the server the settings name, opened
    now if it has none, or None when letters do not go by SMTP."""
    backend = get_connection(fail_silently=False)
    if not isinstance(backend, SmtpBackend):
        return None
    server = (backend.host, backend.port, backend.username, backend.use_tls, backend.use_ssl, backend.timeout)
    session = getattr(_kept, "session", None)
    if session is not None:
        if session.server == server and session.letters < SESSION_LETTERS and session.alive():
            return session
        _smtp_session_end()
    backend.open()
    _kept.session = _Session(backend=backend, server=server, used=time.monotonic())
    return _kept.session


def _smtp_session_end() -> None:
    session = getattr(_kept, "session", None)
    _kept.session = None
    if session is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            session.backend.close()
