"""The periodic jobs that replace cron, run as the worker runs them."""

import datetime as dt

import pytest
from django.urls import reverse
from procrastinate.contrib.django import app

from accounts.models import RegistrationRequest
from enser_cabinet.tasks import prune_confirmations
from outbox.models import OutgoingMessage
from outbox.services import email_queue, outgoing_messages_prune
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, inn_client, registration_data
from tests.conftest import make_contract

pytestmark = pytest.mark.django_db


def test_the_workers_run_housekeeping_on_a_schedule():
    schedules = {
        task.task.name: task.cron
        for task in app.periodic_registry.periodic_tasks.values()
        if task.task.name.startswith("housekeeping.")  # notifications' own: tests/notices
    }
    assert schedules == {
        "housekeeping.prune_confirmations": "15 3 * * *",
        "housekeeping.remove_old_jobs": "45 3 * * *",
        "housekeeping.retry_stalled_jobs": "*/5 * * * *",
    }


def _letter(*, state: str, days_ago: int, now: dt.datetime) -> OutgoingMessage:
    message = email_queue(
        name="password-reset",
        to=["buh@example.ru"],
        context={"contract": {"number": "12345-ЭС"}, "link": "https://lk.example/", "hours": 24},
    )
    created_at = now - dt.timedelta(days=days_ago)
    OutgoingMessage.objects.filter(pk=message.pk).update(state=state, created_at=created_at)
    return message


def test_old_sent_messages_go_and_failed_ones_stay_for_staff(settings, clock):
    settings.OUTBOX_KEEP_DAYS = 90
    now = clock.now
    old_sent = _letter(state=OutgoingMessage.State.SENT, days_ago=91, now=now)
    recent_sent = _letter(state=OutgoingMessage.State.SENT, days_ago=89, now=now)
    old_failed = _letter(state=OutgoingMessage.State.FAILED, days_ago=200, now=now)
    assert outgoing_messages_prune(now=now) == 1
    assert set(OutgoingMessage.objects.values_list("pk", flat=True)) == {recent_sent.pk, old_failed.pk}
    assert not OutgoingMessage.objects.filter(pk=old_sent.pk).exists()


def test_the_daily_job_prunes_registrations_and_the_outbox(clock):
    make_contract(number=FIRST_NUMBER, inn=FIRST_INN, kpp="745601001", registered=False)
    inn_client().post(reverse("accounts:register"), registration_data())
    assert RegistrationRequest.objects.count() == 1
    sent = _letter(state=OutgoingMessage.State.SENT, days_ago=120, now=clock.now)
    clock.advance(days=2)  # the registration link has expired
    prune_confirmations(timestamp=int(clock.now.timestamp()))
    assert not RegistrationRequest.objects.exists()
    assert not OutgoingMessage.objects.filter(pk=sent.pk).exists()
