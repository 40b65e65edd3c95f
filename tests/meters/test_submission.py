"""reading_submit on PostgreSQL: what is stored, what is refused, and two
submissions at the same moment."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction

from meters import rules
from meters.models import Meter, Reading
from meters.services import reading_submit
from tests.conftest import make_contract
from tests.meters.conftest import TODAY, add_reading, make_meter, monthly_history

pytestmark = pytest.mark.django_db


def submit(meter, value, *, today=TODAY, **kwargs):
    return reading_submit(
        meter=meter, value=Decimal(value), user=None, ip="203.0.113.7", today=today, **kwargs
    )


def test_the_first_reading_is_accepted_exactly_as_sent(meter, contract):
    submission = reading_submit(
        meter=meter, value=Decimal("1383.725"), user=contract.user, ip="203.0.113.7", today=TODAY
    )
    reading = Reading.objects.get()
    assert submission.created and submission.reading == reading
    assert (reading.value, reading.status, reading.consumption) == (
        Decimal("1383.7250"),
        Reading.Status.ACCEPTED,
        None,
    )
    assert str(reading.value.normalize()) == "1383.725"
    assert (reading.reading_date, reading.submitted_by, reading.ip, reading.source) == (
        TODAY,
        contract.user,
        "203.0.113.7",
        Reading.Source.CABINET,
    )


def test_consumption_is_counted_from_the_last_accepted(meter):
    monthly_history(meter, months=6, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    reading = submit(meter, "1058.5").reading
    assert reading.status == Reading.Status.ACCEPTED
    assert reading.consumption == Decimal("8.5")


def test_a_lower_value_is_refused_and_nothing_is_stored(meter):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    with pytest.raises(rules.ReadingRefused, match="меньше последних принятых"):
        submit(meter, "1383.7")
    assert meter.readings.count() == 1


def test_a_rollover_is_accepted_with_consumption_across_the_top(contract):
    meter = make_meter(contract, serial="R1", digits_before=5)
    monthly_history(meter, months=6, last=dt.date(2026, 10, 1), start="99940", per_month="10")
    reading = submit(meter, "00002.000").reading  # last was 99 990
    assert (reading.status, reading.is_rollover, reading.consumption) == (
        Reading.Status.ACCEPTED,
        True,
        Decimal("12.000"),
    )


def test_a_spike_goes_to_review_with_the_reason_for_staff(meter):
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    # The last is 1 110 on 20.10; the usual month is about 10, so 3 × 10 passes and 31 does not.
    assert submit(meter, "1140", today=TODAY - dt.timedelta(days=1)).reading.status == Reading.Status.ACCEPTED
    Reading.objects.filter(value=1140).delete()
    reading = submit(meter, "1141").reading
    assert reading.status == Reading.Status.REVIEW
    assert reading.consumption == Decimal("31")
    assert "более чем в 3 раза выше обычного" in reading.review_note


def test_a_usual_consumption_is_accepted_and_the_factor_is_a_setting(meter, settings):
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    settings.READINGS_REVIEW_FACTOR = Decimal("1.5")
    assert submit(meter, "1127").reading.status == Reading.Status.REVIEW
    settings.READINGS_REVIEW_FACTOR = Decimal("3")
    assert submit(meter, "1128").reading.status == Reading.Status.ACCEPTED


def test_a_new_value_replaces_one_waiting_for_review(meter):
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    typo = submit(meter, "11120").reading
    assert typo.status == Reading.Status.REVIEW
    corrected = submit(meter, "1112").reading
    typo.refresh_from_db()
    assert corrected.status == Reading.Status.ACCEPTED and corrected.consumption == Decimal("2")
    assert typo.status == Reading.Status.REJECTED
    assert typo.reason == "Заменены показаниями, переданными 16.11.2026."


def test_the_same_value_sent_twice_makes_one_reading(meter):
    first = submit(meter, "1383.725")
    again = submit(meter, "1383.725", today=TODAY + dt.timedelta(days=3))
    assert first.created and not again.created
    assert again.reading == first.reading
    assert meter.readings.count() == 1
    # The next month the same value is a reading of its own: nothing was used.
    december = submit(meter, "1383.725", today=dt.date(2026, 12, 20))
    assert december.created and december.reading.consumption == Decimal("0")


def test_outside_the_window_nothing_is_stored(meter, settings):
    settings.READINGS_WINDOW_FIRST_DAY = 20
    settings.READINGS_WINDOW_LAST_DAY = 25
    with pytest.raises(rules.ReadingRefused, match=r"можно будет с 20\.11\.2026"):
        submit(meter, "1")
    assert not meter.readings.exists()
    # Staff enter a control reading on any day.
    assert submit(meter, "1", source=Reading.Source.STAFF).created


def test_a_meter_past_verification_takes_nothing(contract):
    meter = make_meter(contract, serial="OLD", verification_due=TODAY - dt.timedelta(days=1))
    with pytest.raises(rules.ReadingRefused, match=r"Срок поверки прибора учета № OLD истек 15\.11\.2026"):
        submit(meter, "1")
    assert not meter.readings.exists()


def test_a_value_beyond_the_meter_is_refused_by_the_service_too(meter):
    for value, field in (("1000000", "whole"), ("1.0001", "fraction"), ("-1", "whole")):
        with pytest.raises(rules.ReadingRefused) as caught:
            submit(meter, value)
        assert caught.value.field == field
    assert not meter.readings.exists()


def test_the_database_refuses_a_negative_value_and_a_duplicate_on_one_day(meter):
    add_reading(meter, TODAY, "5")
    with pytest.raises(Exception, match="reading_once_per_day"), transaction.atomic():
        add_reading(meter, TODAY, "5")
    with pytest.raises(Exception, match="reading_value_not_negative"), transaction.atomic():
        add_reading(meter, TODAY, "-1")


def _in_thread(work, results, index, barrier):
    try:
        barrier.wait(timeout=30)
        results[index] = work()
    except Exception as error:  # reported to the test
        results[index] = error
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_value_make_one_reading():
    contract = make_contract(number="70001-ЭС")
    meter = make_meter(contract)
    add_reading(meter, dt.date(2026, 10, 20), "1000")
    for attempt in range(5):
        value = Decimal(1001 + attempt)
        barrier = threading.Barrier(2)
        results = [None, None]
        threads = [
            threading.Thread(
                target=_in_thread,
                args=(lambda v=value: submit(Meter.objects.get(pk=meter.pk), v), results, i, barrier),
            )
            for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(not isinstance(r, Exception) for r in results), results
        assert sorted(r.created for r in results) == [False, True]
        assert results[0].reading.pk == results[1].reading.pk
        assert meter.readings.filter(value=value).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_submission_waits_for_the_one_holding_the_meter():
    """While one submission holds the meter's row, another cannot decide: the
    row lock is what keeps two simultaneous submissions from both passing."""
    contract = make_contract(number="70002-ЭС")
    meter = make_meter(contract)
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                # NO KEY UPDATE: it lets a reading's foreign key through, so
                # only the service's own lock on the meter can make it wait.
                Meter.objects.select_for_update(no_key=True).get(pk=meter.pk)
                holding.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=60)
    try:
        with pytest.raises(OperationalError, match="lock"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            submit(meter, "5")
    finally:
        release.set()
        holder.join(timeout=60)
    assert not meter.readings.exists()
    assert submit(meter, "5").created
