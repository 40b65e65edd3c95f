"""Notifications' periodic jobs on the Procrastinate queue, daily. Each may
run twice (a retry, two workers) without telling anyone twice: the
notifications' keys are unique, and the digest clears what it sends."""

from django.db import close_old_connections, connection
from django.utils import timezone
from procrastinate.contrib.django import app

from notices import periodic
from notices.services import digest_send


def _fresh_connection() -> None:
    if not connection.in_atomic_block:
        close_old_connections()


# 09:00 in Yekaterinburg (UTC+5): letters arrive in the working day.
@app.periodic(cron="0 4 * * *")
@app.task(name="notices.window_open", queueing_lock="notices_window_open")
def window_open(timestamp: int) -> None:
    _fresh_connection()
    periodic.window_open_notify(today=timezone.localdate())


@app.periodic(cron="5 4 * * *")
@app.task(name="notices.window_closing", queueing_lock="notices_window_closing")
def window_closing(timestamp: int) -> None:
    _fresh_connection()
    periodic.window_closing_notify(today=timezone.localdate())


@app.periodic(cron="10 4 * * *")
@app.task(name="notices.verification", queueing_lock="notices_verification")
def verification(timestamp: int) -> None:
    _fresh_connection()
    periodic.verification_notify(today=timezone.localdate())


@app.periodic(cron="15 4 * * *")
@app.task(name="notices.debt", queueing_lock="notices_debt")
def debt(timestamp: int) -> None:
    _fresh_connection()
    periodic.debt_notify(today=timezone.localdate())


# 08:00 in Yekaterinburg: yesterday's notifications in one letter.
@app.periodic(cron="0 3 * * *")
@app.task(name="notices.digest", queueing_lock="notices_digest")
def digest(timestamp: int) -> None:
    _fresh_connection()
    digest_send()
