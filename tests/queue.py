"""The queue's worker, as tests need it.

A Procrastinate worker opens its own connection, so it cannot see what a
test writes inside the transaction pytest-django rolls back. Most tests
only care that a letter or SMS arrives: for them `queued_jobs_run` runs the
due jobs through the test's own connection, with the same task functions
and arguments the worker would use. Tests of the queue itself run a real
worker on committed data (tests/outbox).
"""

import contextlib
import json

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from procrastinate.contrib.django import app
from procrastinate.manager import JobManager

from outbox.models import OutgoingMessage
from outbox.services import DeliveryFailed

_queued: list[int] = []


@receiver(post_save, sender=OutgoingMessage, dispatch_uid="tests-queue-note")
def _note(instance: OutgoingMessage, created: bool, **kwargs) -> None:
    if created:
        _queued.append(instance.pk)


_batch_defer_jobs = JobManager.batch_defer_jobs


# Messages' own jobs (those of messages saved together, by one INSERT, are
# noted here, as their saving sends no signal) and jobs that only decide
# which letters and SMS to queue: delivered at the request's end (other
# jobs, such as a billing import, stay queued until a test runs them).
MESSAGE_JOBS = {"outbox.deliver", "accounts.password_reset_send"}


def _noting_defer(self, jobs, *args, **kwargs):
    if any(job.task_name in MESSAGE_JOBS for job in jobs):
        _queued.append(0)
    return _batch_defer_jobs(self, jobs, *args, **kwargs)


JobManager.batch_defer_jobs = _noting_defer


def queue_forget() -> None:
    """A new test starts with nothing noted."""
    _queued.clear()


def queue_note() -> None:
    """Messages were put in the queue without saving them one by one (copied in)."""
    _queued.append(0)


def queue_touched() -> bool:
    """Whether a message was queued since the queue was last run."""
    return bool(_queued)


def queued_jobs_run() -> int:
    """Runs every job due now, highest priority first; returns how many ran.
    A job that fails is dropped, as after its last attempt."""
    _queued.clear()
    ran = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(  # Django reads jsonb as text
                "SELECT id, task_name, args::text FROM procrastinate_jobs"
                " WHERE status = 'todo' AND scheduled_at IS NULL"
                " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED"
            )
            row = cursor.fetchone()
            if row is None:
                return ran
            job_id, task_name, args = row
            cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [job_id])
        with contextlib.suppress(DeliveryFailed):  # recorded on the message, as under the worker
            app.tasks[task_name](**json.loads(args))
        ran += 1
