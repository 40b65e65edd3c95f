"""Queueing letters and SMS and delivering them: the only way the cabinet
sends anything.

A message is saved and its delivery job deferred in the caller's
transaction (Procrastinate defers through Django's own connection), so an
action that rolls back leaves neither, and one that commits always has its
messages queued. A failed send is tried again after DELAYS, then the
message is marked failed and staff may send it again from admin. On the
embedded SQLite demo (JOBS_INLINE) the same delivery runs in the web
process right after the commit, once.
"""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.sms import SmsMessage, sms_backend, sms_render
from enser_cabinet.mail import RenderedEmail, email_deliver, email_render
from outbox.models import OutgoingMessage

logger = logging.getLogger(__name__)

# Seconds before each retry of a failed send: 1 min, 5 min, 30 min, 2 h, 12 h.
DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60, 12 * 60 * 60)
MAX_ATTEMPTS = len(DELAYS) + 1

# Codes and one-time links jump the queue of bulk letters.
URGENT_QUEUE, URGENT_PRIORITY = "urgent", 10
BULK_QUEUE, BULK_PRIORITY = "messages", 0


class DeliveryFailed(Exception):
    """This attempt failed; the job is to be tried again later."""


def email_queue(
    *, name: str, to: list[str], context: dict, reply_to: list[str] | None = None, secret: bool = False
) -> OutgoingMessage:
    """Queues templates/emails/<name>-*; `secret` for letters with a one-time link."""
    email = email_render(name=name, context=context)
    return _queue(
        OutgoingMessage(
            channel=OutgoingMessage.Channel.EMAIL,
            name=name,
            to=",".join(to),
            reply_to=",".join(reply_to or []),
            subject=email.subject,
            body=email.body,
            html=email.html,
            secret=secret,
        )
    )


def sms_queue(*, name: str, to: str, context: dict) -> OutgoingMessage:
    """Queues templates/sms/<name>.txt to `to` (E.164) on the priority queue.

    Raises SmsDeliveryError at once when SMS cannot be sent at all (the
    provider is not configured), so the customer can choose e-mail.
    """
    sms_backend()
    return _queue(
        OutgoingMessage(
            channel=OutgoingMessage.Channel.SMS,
            name=name,
            to=to,
            body=sms_render(name=name, context=context),
            secret=True,
        )
    )


@transaction.atomic
def _queue(message: OutgoingMessage) -> OutgoingMessage:
    message.save()
    _delivery_defer(message)
    return message


def _delivery_defer(message: OutgoingMessage) -> None:
    if settings.JOBS_INLINE:
        transaction.on_commit(partial(message_deliver, message_id=message.pk), robust=True)
        return
    from outbox.tasks import deliver

    queue, priority = (URGENT_QUEUE, URGENT_PRIORITY) if message.secret else (BULK_QUEUE, BULK_PRIORITY)
    deliver.configure(queue=queue, priority=priority).defer(message_id=message.pk)


def message_deliver(*, message_id: int) -> None:
    """Sends a queued message once. A failure is recorded on the message and
    raises DeliveryFailed while attempts remain; the last one marks it failed."""
    message = OutgoingMessage.objects.filter(pk=message_id, state=OutgoingMessage.State.QUEUED).first()
    if message is None:
        return  # sent already, or sent again by staff under another job
    try:
        _send(message)
    except Exception as error:  # any failure of this attempt is the message's failure
        _failure_record(message, error)
        if message.state == OutgoingMessage.State.QUEUED:
            raise DeliveryFailed(message.last_error) from error
        return
    message.state = OutgoingMessage.State.SENT
    message.attempts += 1
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    if message.secret:
        message.body = message.html = ""
    message.save(update_fields=["state", "attempts", "sent_at", "next_attempt_at", "body", "html"])


def _send(message: OutgoingMessage) -> None:
    if message.channel == OutgoingMessage.Channel.SMS:
        sms_backend().send(SmsMessage(to=message.to, body=message.body))
        return
    email_deliver(
        to=message.recipients,
        email=RenderedEmail(subject=message.subject, body=message.body, html=message.html),
        reply_to=[address for address in message.reply_to.split(",") if address] or None,
    )


def _failure_record(message: OutgoingMessage, error: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if settings.JOBS_INLINE or message.attempts >= MAX_ATTEMPTS:
        message.state = OutgoingMessage.State.FAILED
        message.next_attempt_at = None
        logger.error("%s to %s failed for good: %s", message.name, message.to, message.last_error)
    else:
        message.next_attempt_at = timezone.now() + dt.timedelta(seconds=DELAYS[message.attempts - 1])
        logger.warning(
            "%s to %s failed, attempt %s: %s", message.name, message.to, message.attempts, message.last_error
        )
    message.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])


@transaction.atomic
def message_resend(*, message: OutgoingMessage) -> bool:
    """Staff's "send again" for a failed message: a fresh round of attempts.
    False if the message is not failed (queued or sent already)."""
    updated = OutgoingMessage.objects.filter(pk=message.pk, state=OutgoingMessage.State.FAILED).update(
        state=OutgoingMessage.State.QUEUED, attempts=0, next_attempt_at=None
    )
    if not updated:
        return False
    message.refresh_from_db()
    _delivery_defer(message)
    return True


def outgoing_messages_prune(*, now: dt.datetime | None = None) -> int:
    """Deletes sent messages older than OUTBOX_KEEP_DAYS; failed ones stay for staff."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutgoingMessage.objects.filter(
        state=OutgoingMessage.State.SENT, created_at__lt=cutoff
    ).delete()
    return deleted
