"""Queueing letters and SMS and delivering them: the only way the cabinet
sends anything.

A message is saved and its delivery job deferred in the caller's
transaction (Procrastinate defers through Django's own connection), so an
action that rolls back leaves neither, and one that commits always has its
messages queued. A failed send is tried again after DELAYS, then the
message is marked failed, its job ends failed, and staff may send it again
from admin. On the embedded SQLite demo (JOBS_INLINE) the same delivery runs
in the web process right after the commit, once.
"""

import contextlib
import datetime as dt
import logging
from functools import partial
from typing import Any

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
    """This attempt failed (recorded on the message) or found another job
    sending the message. `retry_in`: seconds until the next attempt, None when
    the message has failed for good (the job then ends failed too)."""

    def __init__(self, error: str, *, retry_in: int | None):
        super().__init__(error)
        self.retry_in = retry_in


def email_queue(**letter: Any) -> OutgoingMessage:
    """Queues the letter `email_message(**letter)` draws."""
    return _queue(email_message(**letter))


def email_message(
    *,
    name: str,
    to: list[str],
    context: dict,
    reply_to: list[str] | None = None,
    secret: bool = False,
    headers: dict[str, str] | None = None,
) -> OutgoingMessage:
    """The letter templates/emails/<name>-* drawn, not yet queued (by
    `email_queue`, or by `emails_queue` with many others); `secret` for
    letters with a one-time link, `headers` for extra ones (List-Unsubscribe)."""
    email = email_render(name=name, context=context)
    return OutgoingMessage(
        channel=OutgoingMessage.Channel.EMAIL,
        name=name,
        to=",".join(to),
        reply_to=",".join(reply_to or []),
        subject=email.subject,
        body=email.body,
        html=email.html,
        secret=secret,
        headers=headers or {},
    )


@transaction.atomic
def emails_queue(messages: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """Many letters of `email_message` queued at once (a daily job's notices):
    saved by one INSERT and their jobs deferred by one more per queue, in the
    caller's transaction, instead of four statements a letter."""
    saved = OutgoingMessage.objects.bulk_create(messages)
    if settings.JOBS_INLINE:
        for message in saved:
            _delivery_defer(message)
        return saved
    from outbox.tasks import deliver

    for secret in (True, False):
        ids = [{"message_id": message.pk} for message in saved if message.secret is secret]
        if ids:
            queue, priority = _queue_of(secret=secret)
            deliver.configure(queue=queue, priority=priority).batch_defer(*ids)
    return saved


def sms_queue(*, name: str, to: str, context: dict, secret: bool = True) -> OutgoingMessage:
    """Queues templates/sms/<name>.txt to `to` (E.164): a code (`secret`, the
    default) on the priority queue, erased once sent; a notice with the bulk.

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
            secret=secret,
        )
    )


@transaction.atomic
def _queue(message: OutgoingMessage) -> OutgoingMessage:
    message.save()
    _delivery_defer(message)
    return message


def _delivery_defer(message: OutgoingMessage) -> None:
    if settings.JOBS_INLINE:
        transaction.on_commit(partial(_deliver_inline, message_id=message.pk), robust=True)
        return
    from outbox.tasks import deliver

    queue, priority = _queue_of(secret=message.secret)
    deliver.configure(queue=queue, priority=priority).defer(message_id=message.pk)


def _queue_of(*, secret: bool) -> tuple[str, int]:
    return (URGENT_QUEUE, URGENT_PRIORITY) if secret else (BULK_QUEUE, BULK_PRIORITY)


def message_deliver(*, message_id: int) -> None:
    """Sends a queued message once. A failure is recorded on the message and
    raises DeliveryFailed, with the delay before the next attempt while
    attempts remain and none after the last one, which marks it failed.

    The message's row stays locked while it is sent, so a second job for the
    same message (a job put back by the stalled-job recovery while its worker
    still lives, a double defer) does not send it twice: it tries again later
    and finds it sent. A send is bounded by EMAIL_TIMEOUT or SMS_TIMEOUT, and
    so is the lock.
    """
    with transaction.atomic():
        message = (
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state=OutgoingMessage.State.QUEUED)
            .first()
        )
        if message is None:
            if OutgoingMessage.objects.filter(pk=message_id, state=OutgoingMessage.State.QUEUED).exists():
                # Another job is sending it now. Come back to make sure it
                # went: that job's worker may die before it commits.
                raise DeliveryFailed("another job is sending this message", retry_in=DELAYS[0])
            return  # sent already, or failed for good
        try:
            _send(message)
        except Exception as error:  # any failure of this attempt is the message's failure
            failure, retry_in = error, _failure_record(message, error)
        else:
            message.state = OutgoingMessage.State.SENT
            message.attempts += 1
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            if message.secret:
                message.body = message.html = ""
            message.save(update_fields=["state", "attempts", "sent_at", "next_attempt_at", "body", "html"])
            return
    # Raised once the failure is committed: inside the block it would be rolled back.
    raise DeliveryFailed(message.last_error, retry_in=retry_in) from failure


def _deliver_inline(*, message_id: int) -> None:
    """The embedded demo's one attempt, right after the commit: a failure is
    on the message and in the log already."""
    with contextlib.suppress(DeliveryFailed):
        message_deliver(message_id=message_id)


def _send(message: OutgoingMessage) -> None:
    if message.channel == OutgoingMessage.Channel.SMS:
        sms_backend().send(SmsMessage(to=message.to, body=message.body))
        return
    email_deliver(
        to=message.recipients,
        email=RenderedEmail(subject=message.subject, body=message.body, html=message.html),
        reply_to=[address for address in message.reply_to.split(",") if address] or None,
        headers=message.headers or None,
    )


def _failure_record(message: OutgoingMessage, error: Exception) -> int | None:
    """Records a failed attempt; returns the seconds until the next one, None
    when the message has failed for good. The delay counts the message's own
    attempts, so a message staff send again starts from the first delay."""
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    retry_in = None
    if settings.JOBS_INLINE or message.attempts >= MAX_ATTEMPTS:
        message.state = OutgoingMessage.State.FAILED
        message.next_attempt_at = None
        logger.error("%s to %s failed for good: %s", message.name, message.to, message.last_error)
    else:
        retry_in = DELAYS[message.attempts - 1]
        message.next_attempt_at = timezone.now() + dt.timedelta(seconds=retry_in)
        logger.warning(
            "%s to %s failed, attempt %s: %s", message.name, message.to, message.attempts, message.last_error
        )
    message.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
    return retry_in


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
