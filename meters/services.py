"""Writes of readings: submission under the meter's row lock, and staff review."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.journal import Kind, Origin, journal_record
from accounts.models import User
from enser_cabinet.formatting import format_date
from meters import rules, selectors
from meters.models import Meter, Reading
from meters.signals import reading_reviewed


@dataclass(frozen=True)
class Submission:
    reading: Reading
    created: bool  # False: the same value was already sent this month


def reading_submit(
    *,
    meter: Meter,
    value: Decimal,
    user: User | None,
    ip: str | None,
    today: dt.date,
    source: str = Reading.Source.CABINET,
    now: dt.datetime | None = None,
    user_agent: str = "",
) -> Submission:
    """Check a value against the rules and record it: accepted, or on review.

    `today` is the reading's date. Staff (source=staff) enter control
    readings on any day and are not sent to review: they are the reviewers.

    Raises rules.ReadingRefused with the customer's message when a rule
    refuses it; then nothing is written. A reading sent from the cabinet is
    recorded in the journal with it. The meter's row is locked for the
    whole check, so two submissions at the same moment are decided one after
    the other, the second seeing the first.
    """
    now = now or timezone.now()
    with transaction.atomic():
        meter = Meter.objects.select_for_update().get(pk=meter.pk)
        rules.check_value(meter, value)
        if source == Reading.Source.CABINET:
            rules.check_window(today)
        rules.check_verification(meter, today)

        latest = selectors.latest_submission(meter)
        if rules.is_repeat(latest, value, today):
            return Submission(reading=latest, created=False)

        last = selectors.last_accepted(meter)
        rules.check_not_before_last(last, today)
        consumption, rollover = rules.consumption_since(meter, last, value)
        note = ""
        if consumption is not None and source == Reading.Source.CABINET:
            note = rules.review_reason(
                meter,
                consumption,
                average_monthly=selectors.meter_average_monthly(meter=meter, today=today),
                months=rules.months_between(last.reading_date, today),
                factor=settings.READINGS_REVIEW_FACTOR,
            )
        # A newer value replaces one still waiting for staff: the customer
        # corrects a mistake by sending the right value.
        meter.readings.filter(status=Reading.Status.REVIEW).update(
            status=Reading.Status.REJECTED,
            reason=f"Заменены показаниями, переданными {format_date(today)}.",
            reviewed_at=now,
        )
        reading = Reading.objects.create(
            meter=meter,
            value=value,
            consumption=consumption,
            is_rollover=rollover,
            reading_date=today,
            submitted_at=now,
            submitted_by=user,
            ip=ip,
            source=source,
            status=Reading.Status.REVIEW if note else Reading.Status.ACCEPTED,
            review_note=note,
        )
        if source == Reading.Source.CABINET:
            journal_record(
                action=Kind.READING_SUBMITTED,
                user=user,
                contract=meter.contract,
                details=f"Прибор № {meter.serial_number}: {meter.display(value)} {meter.unit}",
                origin=Origin(ip=ip, user_agent=user_agent),
            )
        if reading.status == Reading.Status.REVIEW:
            reading_reviewed.send(sender=Reading, reading=reading)
    return Submission(reading=reading, created=True)


class ReviewRefused(Exception):
    pass


def _pending(reading: Reading) -> Reading:
    Meter.objects.select_for_update().get(pk=reading.meter_id)
    reading = Reading.objects.select_for_update().get(pk=reading.pk)
    if reading.status != Reading.Status.REVIEW:
        raise ReviewRefused(f"Показания {reading} уже не на проверке: {reading.get_status_display()}.")
    return reading


@transaction.atomic
def reading_accept(*, reading: Reading, user: User, now: dt.datetime | None = None) -> Reading:
    """Staff accept a reading held for review; its consumption stands as computed."""
    reading = _pending(reading)
    reading.status = Reading.Status.ACCEPTED
    reading.reviewed_by = user
    reading.reviewed_at = now or timezone.now()
    reading.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return reading


@transaction.atomic
def reading_reject(*, reading: Reading, user: User, reason: str, now: dt.datetime | None = None) -> Reading:
    """Staff reject a reading held for review; the customer sees the reason."""
    reason = " ".join(reason.split())
    if not reason:
        raise ReviewRefused("Укажите причину отклонения: ее увидит потребитель.")
    reading = _pending(reading)
    reading.status = Reading.Status.REJECTED
    reading.reason = reason
    reading.reviewed_by = user
    reading.reviewed_at = now or timezone.now()
    reading.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    reading_rejection_tell(reading=reading)
    return reading


def reading_rejection_tell(*, reading: Reading) -> None:
    """Tells the contract's people who chose to hear of it (notices/), with
    staff's reason; the reason is on the "Показания" tab whatever they chose."""
    reading_reviewed.send(sender=Reading, reading=reading)
