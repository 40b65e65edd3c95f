"""What /healthz reports to the load balancer: the database, the shared
cache and the job queue, each fine or not, at a small constant cost."""

import dataclasses
import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

logger = logging.getLogger(__name__)

# A due job waiting longer than this means no worker is taking jobs.
QUEUE_WAIT_LIMIT = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class Part:
    name: str
    ok: bool
    state: str


def health_parts() -> list[Part]:
    database = _database()
    # The queue lives in the database: without it there is nothing to read.
    queue = _queue(now=timezone.now()) if database.ok else Part("queue", True, "not checked")
    return [database, _cache(), queue]


def _database() -> Part:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("health: the database does not answer", exc_info=True)
        return Part("database", False, "unavailable")
    return Part("database", True, "ok")


def _cache() -> Part:
    # A write, as rate limits write: a read-only or full Redis fails here too.
    try:
        cache.set("healthz", 1, timeout=60)
    except Exception:
        logger.warning("health: the cache does not answer", exc_info=True)
        return Part("cache", False, "unavailable")
    return Part("cache", True, "ok")


def _queue(*, now: dt.datetime) -> Part:
    if settings.JOBS_INLINE or not apps.is_installed("procrastinate.contrib.django"):
        # Jobs run in the web process right after the commit: no queue to wait in.
        return Part("queue", True, "inline")
    from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

    # Job ids follow the order of deferring: the first due one by id is the
    # oldest, found through the queue's index of waiting jobs.
    deferred_at = (
        ProcrastinateEvent.objects.filter(job=OuterRef("pk"), type__in=["deferred", "deferred_for_retry"])
        .order_by("-at")
        .values("at")[:1]
    )
    oldest = (
        ProcrastinateJob.objects.filter(
            Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now), status="todo"
        )
        .order_by("id")
        .annotate(deferred_at=Subquery(deferred_at))
        .values_list("scheduled_at", "deferred_at")
        .first()
    )
    moments = [moment for moment in oldest or () if moment is not None]
    if not moments:
        return Part("queue", True, "ok")
    # Due since it was deferred, or since its time came if it was scheduled.
    waited = now - max(moments)
    if waited > QUEUE_WAIT_LIMIT:
        return Part("queue", False, f"the oldest due job waits {round(waited.total_seconds() / 60)} min")
    return Part("queue", True, "ok")
