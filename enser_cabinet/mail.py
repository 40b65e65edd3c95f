"""E-mail: one template set per message, sent through Django's backends.

A message named `name` has `templates/emails/<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`; the HTML part extends
`emails/base.html`. Subject and text body are plain text, never
HTML-escaped. Delivery errors (smtplib.SMTPException, OSError) reach the
caller, which tells the customer and keeps what was typed.
"""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from enser_cabinet.plain_text import render_plain

logger = logging.getLogger(__name__)


def email_send(*, name: str, to: list[str], context: dict, reply_to: list[str] | None = None) -> None:
    subject = " ".join(render_plain(f"emails/{name}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_plain(f"emails/{name}-body.txt", context),
        to=to,
        reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", context), "text/html")
    message.send(fail_silently=False)


def email_send_quietly(**kwargs) -> bool:
    """For letters that only tell of what is already on the customer's page:
    a failure is logged, and the caller goes on. False if it failed."""
    try:
        email_send(**kwargs)
    except (smtplib.SMTPException, OSError):
        logger.exception("letter %s to %s was not sent", kwargs["name"], kwargs["to"])
        return False
    return True
