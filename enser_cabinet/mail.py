"""E-mail: one template set per message, sent through Django's backends.

A message named `name` has `templates/emails/<name>-subject.txt`,
`<name>-body.txt` and `<name>-body.html`; the HTML part extends
`emails/base.html`. Delivery errors (smtplib.SMTPException, OSError) reach the
caller, which tells the customer and keeps what was typed.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_send(*, name: str, to: list[str], context: dict, reply_to: list[str] | None = None) -> None:
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}-body.txt", context),
        to=to,
        reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", context), "text/html")
    message.send(fail_silently=False)
