"""Reads of meters and readings for the cabinet pages; each a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from accounts.models import Contract
from enser_cabinet.dates import month_start
from meters import rules
from meters.models import Meter, Reading

AVERAGE_OVER_DAYS = 365


def _newest(readings: QuerySet) -> QuerySet:
    return readings.order_by("-reading_date", "-submitted_at", "-id")


def last_accepted(meter: Meter) -> Reading | None:
    return _newest(meter.readings.filter(status=Reading.Status.ACCEPTED)).first()


def pending_review(meter: Meter) -> Reading | None:
    """The reading still waiting for staff, if any: a new submission replaces it."""
    return _newest(meter.readings.filter(status=Reading.Status.REVIEW)).first()


def latest_submission(meter: Meter) -> Reading | None:
    return _newest(meter.readings.all()).first()


def contract_meters(*, contract: Contract) -> QuerySet[Meter]:
    """The contract's working meters with their last accepted reading and the
    state of the latest submission, in one query."""
    accepted = _newest(Reading.objects.filter(meter=OuterRef("pk"), status=Reading.Status.ACCEPTED))
    latest = _newest(Reading.objects.filter(meter=OuterRef("pk")))
    return (
        Meter.objects.filter(contract=contract, is_active=True)
        .annotate(
            last_value=Subquery(accepted.values("value")[:1]),
            last_date=Subquery(accepted.values("reading_date")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_reason=Subquery(latest.values("reason")[:1]),
            latest_date=Subquery(latest.values("reading_date")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        )
        .order_by("resource", "serial_number")
    )


def customer_meter(*, contract: Contract, meter_id: int) -> Meter:
    """A working meter of this contract; anyone else's is 404."""
    return get_object_or_404(Meter, pk=meter_id, contract=contract, is_active=True)


def meter_readings(*, meter: Meter) -> QuerySet[Reading]:
    return _newest(meter.readings.all())


@dataclass(frozen=True)
class MonthConsumption:
    month: dt.date
    consumption: Decimal | None  # None: no accepted reading that month


def meter_monthly_consumption(*, meter: Meter, today: dt.date, months: int = 24) -> list[MonthConsumption]:
    """Accepted consumption by reading month, the last `months` months up to today's."""
    first = month_start(today, -(months - 1))
    totals = dict(
        meter.readings.filter(status=Reading.Status.ACCEPTED, reading_date__gte=first)
        .annotate(month=TruncMonth("reading_date"))
        .order_by()
        .values("month")
        .annotate(total=Sum("consumption"))
        .values_list("month", "total")
    )
    totals = {(m.date() if isinstance(m, dt.datetime) else m): t for m, t in totals.items()}
    result = []
    for shift in range(months):
        month = month_start(first, shift)
        result.append(MonthConsumption(month=month, consumption=totals.get(month)))
    return result


def meter_average_monthly(*, meter: Meter, today: dt.date) -> Decimal | None:
    since = today - dt.timedelta(days=AVERAGE_OVER_DAYS)
    history = list(
        meter.readings.filter(
            status=Reading.Status.ACCEPTED, reading_date__gte=since, reading_date__lte=today
        )
        .order_by("reading_date", "submitted_at", "id")
        .values_list("reading_date", "consumption")
    )
    return rules.average_monthly(history)
