"""A month on a moved clock: the daily jobs run twice each day and make
exactly the expected notifications, none twice."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from meters.models import Reading
from notices.events import Event
from notices.models import Notification
from notices.periodic import daily_notify
from tests.meters.conftest import add_reading, make_meter
from tests.notices.conftest import letters

pytestmark = pytest.mark.django_db

NOVEMBER = [dt.date(2026, 11, day) for day in range(1, 31)]


@pytest.fixture
def month(contract, people, settings):
    """Readings taken from the 15th to the 25th; the debt reminder on the
    20th above 10 000,00 (12345-ЭС owes 13 481,16); meter 001383 due for
    verification on 10.01.2027, 041583 long after."""
    settings.READINGS_WINDOW_FIRST_DAY, settings.READINGS_WINDOW_LAST_DAY = 15, 25
    settings.NOTICES_DEBT_DAY, settings.NOTICES_DEBT_THRESHOLD = 20, "10000.00"
    due = make_meter(contract, serial="001383", verification_due=dt.date(2027, 1, 10))
    sent = make_meter(contract, serial="041583", verification_due=dt.date(2030, 12, 31))
    return due, sent


def test_a_month_of_daily_jobs_run_twice(month, people, clock):
    _due, sent = month
    made_on: dict[dt.date, Counter] = {}
    for day in NOVEMBER:
        clock.set_local(day, hour=9)
        if day == dt.date(2026, 11, 18):  # one meter's reading is in before the window closes
            add_reading(sent, day, "100.000", status=Reading.Status.ACCEPTED)
        for _ in range(2):
            today = timezone.localdate()
            for event, made in daily_notify(today=today).items():
                if made:
                    made_on.setdefault(day, Counter())[event] += made

    engineer_side, money_side = (
        2,
        2,
    )  # the administrator and the engineer; the administrator and the accountant
    assert made_on == {
        dt.date(2026, 11, 11): Counter(verification=engineer_side),  # 60 days before 10.01.2027
        dt.date(2026, 11, 15): Counter(window_open=engineer_side),
        dt.date(2026, 11, 20): Counter(debt=money_side),
        dt.date(2026, 11, 23): Counter(window_closing=engineer_side),  # two days before the 25th
    }
    people_by_event = {
        event: sorted(Notification.objects.filter(event=event).values_list("person__email", flat=True))
        for event in (Event.VERIFICATION, Event.WINDOW_OPEN, Event.DEBT, Event.WINDOW_CLOSING)
    }
    assert people_by_event[Event.DEBT] == sorted([people.admin.email, people.accountant.email])
    assert people_by_event[Event.WINDOW_OPEN] == sorted([people.admin.email, people.engineer.email])
    closing = Notification.objects.get(event=Event.WINDOW_CLOSING, person=people.engineer)
    assert closing.title == "Договор 12345-ЭС: прием показаний закрывается 25.11.2026"
    assert "№ 001383" in closing.body and "041583" not in closing.body
    verification = Notification.objects.get(event=Event.VERIFICATION, person=people.engineer)
    assert verification.title == "Договор 12345-ЭС: поверка прибора учета № 001383 до 10.01.2027"
    debt = Notification.objects.get(event=Event.DEBT, person=people.accountant)
    assert debt.title == "Договор 12345-ЭС: задолженность 13\u00a0481,16\u00a0₽"
    # One letter per notification, none twice.
    assert len(letters()) == Notification.objects.count() == 8
    assert Counter(m.to for m in letters())[people.viewer.email] == 0


def test_the_next_month_tells_again_and_a_reading_in_time_silences_the_closing(month, people, clock):
    due, sent = month
    for day in (dt.date(2026, 12, 15), dt.date(2026, 12, 23)):
        clock.set_local(day)
        if day.day == 23:
            for meter in (due, sent):
                add_reading(meter, day, "200.000", status=Reading.Status.ACCEPTED)
        daily_notify(today=timezone.localdate())
    made = Counter(Notification.objects.values_list("event", flat=True))
    assert made[Event.WINDOW_OPEN] == 2
    assert made[Event.WINDOW_CLOSING] == 0
    # The verification (10.01.2027, now 26 days away) was told once, on the first run.
    assert made[Event.VERIFICATION] == 2
    assert Notification.objects.filter(event=Event.DEBT).count() == 2


def test_the_debt_reminder_waits_for_its_day_and_skips_small_debts(contract, people, clock, settings):
    settings.NOTICES_DEBT_DAY, settings.NOTICES_DEBT_THRESHOLD = 31, "20000.00"
    clock.set_local(dt.date(2026, 2, 27))
    assert daily_notify(today=timezone.localdate())["debt"] == 0
    settings.NOTICES_DEBT_THRESHOLD = "0.00"
    assert daily_notify(today=timezone.localdate())["debt"] == 0  # before the 28th, February's last
    clock.set_local(dt.date(2026, 2, 28))
    assert daily_notify(today=timezone.localdate())["debt"] == 2
    assert set(Notification.objects.values_list("person__email", flat=True)) == {
        people.admin.email,
        people.accountant.email,
    }


def test_the_daily_jobs_are_periodic_tasks_of_the_workers():
    from procrastinate.contrib.django import app

    schedules = {
        task.task.name: task.cron
        for task in app.periodic_registry.periodic_tasks.values()
        if task.task.name.startswith("notices.")
    }
    assert schedules == {
        "notices.window_open": "0 4 * * *",
        "notices.window_closing": "5 4 * * *",
        "notices.verification": "10 4 * * *",
        "notices.debt": "15 4 * * *",
        "notices.digest": "0 3 * * *",
    }


def test_a_job_run_by_the_worker_tells_once(month, people, clock):
    from notices import tasks

    clock.set_local(dt.date(2026, 11, 15), hour=9)
    for _ in range(2):  # a retry, or a second worker
        tasks.window_open(timestamp=int(clock.now.timestamp()))
        tasks.verification(timestamp=int(clock.now.timestamp()))
    assert Counter(Notification.objects.values_list("event", flat=True)) == {
        Event.WINDOW_OPEN: 2,
        Event.VERIFICATION: 2,
    }


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NOTICES_DEBT_THRESHOLD", "тысяча", "NOTICES_DEBT_THRESHOLD must be an amount in roubles"),
        ("NOTICES_DEBT_DAY", "32", "NOTICES_DEBT_DAY must be a day of the month"),
    ],
)
def test_a_debt_reminder_setting_that_makes_no_sense_stops_the_start(variable, value, message):
    import os

    from tests.core.test_settings import django_start

    result = django_start({**os.environ, variable: value})
    assert result.returncode != 0 and message in result.stderr
