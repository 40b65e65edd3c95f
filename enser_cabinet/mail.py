"""E-mail: one template set per message, rendered when it is queued and
sent later by the outbox through Django's backends.

A message named `name` has `templates/emails/<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`; the HTML part extends
`emails/base.html`. Subject and text body are plain text, never
HTML-escaped.
"""

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
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
    message.send(fail_silently=False)
