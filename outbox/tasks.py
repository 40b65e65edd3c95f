"""The outbox's job on the Procrastinate queue (PostgreSQL only)."""

from django.db import close_old_connections, connection
from procrastinate.contrib.django import app
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from outbox.services import BULK_QUEUE, DeliveryFailed, message_deliver


class Backoff(BaseRetryStrategy):
    """Retries a failed send when the message says (DELAYS counted on its own
    attempts, not the job's), and lets the job fail once the message has."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, DeliveryFailed) or exception.retry_in is None:
            return None
        return RetryDecision(retry_in={"seconds": exception.retry_in})


@app.task(name="outbox.deliver", queue=BULK_QUEUE, retry=Backoff())
def deliver(message_id: int) -> None:
    # Worker threads have no request cycle: drop a connection the database
    # closed (a restart) instead of failing every job of this thread; never
    # one inside a caller's transaction.
    if not connection.in_atomic_block:
        close_old_connections()
    message_deliver(message_id=message_id)
