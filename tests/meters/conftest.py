"""Meters and readings for the readings tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Contract
from meters.models import Meter, Reading

TODAY = dt.date(2026, 11, 16)


def make_meter(
    contract: Contract,
    *,
    serial: str = "001383",
    resource: str = Meter.Resource.HOT_WATER,
    digits_before: int = 6,
    digits_after: int = 3,
    verification_due: dt.date = dt.date(2030, 12, 31),
    is_active: bool = True,
) -> Meter:
    return Meter.objects.create(
        contract=contract,
        serial_number=serial,
        resource=resource,
        address="г. Миасс, ул. Калинина, д. 12, пом. 3",
        digits_before=digits_before,
        digits_after=digits_after,
        verification_due=verification_due,
        is_active=is_active,
    )


def add_reading(
    meter: Meter,
    day: dt.date,
    value: str,
    *,
    consumption: str | None = None,
    status: str = Reading.Status.ACCEPTED,
    reason: str = "",
) -> Reading:
    return Reading.objects.create(
        meter=meter,
        value=Decimal(value),
        consumption=Decimal(consumption) if consumption is not None else None,
        reading_date=day,
        submitted_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))),
        source=Reading.Source.CABINET,
        status=status,
        reason=reason,
    )


def monthly_history(meter: Meter, *, months: int, last: dt.date, start: str = "1000", per_month: str = "10"):
    """Accepted readings on the 20th of each month, `per_month` apart, the newest in `last`'s month."""
    value = Decimal(start)
    readings = []
    for back in range(months - 1, -1, -1):
        index = last.year * 12 + last.month - 1 - back
        day = dt.date(index // 12, index % 12 + 1, 20)
        readings.append(
            Reading(
                meter=meter,
                value=value,
                consumption=Decimal(per_month) if readings else None,
                reading_date=day,
                submitted_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))),
                source=Reading.Source.CABINET,
                status=Reading.Status.ACCEPTED,
            )
        )
        value += Decimal(per_month)
    return Reading.objects.bulk_create(readings)


@pytest.fixture
def meter(contract) -> Meter:
    return make_meter(contract)


@pytest.fixture
def heat_meter(contract) -> Meter:
    return make_meter(contract, serial="041583", resource=Meter.Resource.HEAT, digits_before=5)


@pytest.fixture
def fixed_today(clock):
    """Pages and services see TODAY as the local date."""
    clock.set_local(TODAY)
    return TODAY
