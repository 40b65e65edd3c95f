"""/healthz for the load balancer: 200 "ok" when the database, the cache and
the job queue are fine, 503 naming each part that is not."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.conftest import closed_port

HEALTHZ = reverse("healthz")

needs_the_queue = pytest.mark.skipif(
    not apps.is_installed("procrastinate.contrib.django"),
    reason="the queue is Procrastinate's, on PostgreSQL",
)


def health(client) -> tuple[int, list[str]]:
    response = client.get(HEALTHZ)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.status_code, response.content.decode().splitlines()


def job_defer(*, scheduled_at: dt.datetime | None = None, status: str = "todo") -> int:
    """A job row as Procrastinate writes it (its trigger records the deferring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, scheduled_at, status) "
            "VALUES ('default', 'letters.send', '{}', %s, %s) RETURNING id",
            [scheduled_at, status],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_all_fine_is_200_ok(client, settings):
    settings.JOBS_INLINE = False
    status, lines = health(client)
    assert status == 200
    assert lines[0] == "ok"
    assert lines[1:3] == ["database: ok", "cache: ok"]


@pytest.mark.django_db
def test_inline_jobs_leave_the_queue_fine(client, settings):
    settings.JOBS_INLINE = True
    job_defer() if apps.is_installed("procrastinate.contrib.django") else None
    assert health(client) == (200, ["ok", "database: ok", "cache: ok", "queue: inline"])


@pytest.mark.django_db
def test_a_dead_cache_is_503_naming_the_cache(client, redis):
    with redis.down():
        status, lines = health(client)
    assert status == 503
    assert lines[0] == "failing: cache"
    assert "cache: unavailable" in lines and "database: ok" in lines


@needs_the_queue
@pytest.mark.django_db
def test_a_due_job_waiting_over_five_minutes_is_503_naming_the_queue(client, clock, settings):
    settings.JOBS_INLINE = False
    job_defer()
    clock.advance(minutes=4)
    assert health(client)[0] == 200
    clock.advance(minutes=2)
    status, lines = health(client)
    assert status == 503
    assert lines[0] == "failing: queue"
    assert "queue: the oldest due job waits 6 min" in lines


@needs_the_queue
@pytest.mark.django_db
def test_a_job_scheduled_later_waits_only_from_its_time(client, clock, settings):
    settings.JOBS_INLINE = False
    job_defer(scheduled_at=clock.now + dt.timedelta(minutes=30))
    clock.advance(minutes=34)
    assert health(client)[0] == 200
    clock.advance(minutes=2)
    assert health(client)[1][0] == "failing: queue"


@needs_the_queue
@pytest.mark.django_db
def test_jobs_being_done_or_done_are_not_waiting(client, clock, settings):
    settings.JOBS_INLINE = False
    job_defer(status="doing")
    job_defer(status="succeeded")
    clock.advance(hours=1)
    assert health(client)[0] == 200


@needs_the_queue
@pytest.mark.django_db
def test_the_check_costs_the_same_however_long_the_queue(client, settings, django_assert_num_queries):
    settings.JOBS_INLINE = False
    with django_assert_num_queries(2):
        health(client)
    for _ in range(50):
        job_defer()
    with django_assert_num_queries(2):
        health(client)


@pytest.mark.django_db
def test_no_session_no_cookie_no_caching(client):
    client.cookies.clear()
    response = client.get(HEALTHZ)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "no-store" in response["Cache-Control"]
    assert client.head(HEALTHZ).status_code in (200, 503)
    assert client.post(HEALTHZ).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_dead_database_is_503_naming_the_database(client):
    connection.close()
    real = connection.settings_dict.copy()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        status, lines = health(client)
    finally:
        connection.close()
        connection.settings_dict.update(real)
    assert status == 503
    assert lines == ["failing: database", "database: unavailable", "cache: ok", "queue: not checked"]
