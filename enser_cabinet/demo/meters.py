"""Demo meters: a heat and a hot-water meter on 12345-ЭС and 54321-ЭС, a heat
meter on 12346-ЭС, each with 24
months of accepted readings up to the previous month and a verification due
some years after the day the demo is loaded.

The values run from a fixed origin (October 2021, when 12345-ЭС began), so a
later run adds the new months on top of the same figures; the monthly
consumption follows the demo charges (ledger.quantities_for).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Contract
from enser_cabinet.dates import month_end, month_start
from enser_cabinet.demo.ledger import quantities_for
from meters.models import Meter, Reading

ORIGIN = dt.date(2021, 10, 1)
MONTHS = 24
READING_DAY = 25
DEMO_IP = "192.0.2.15"  # documentation range: a demo address, nobody's

DEMO_METERS = {
    "12345-ЭС": [
        {
            "serial_number": "041583",
            "model_name": "ВКТ-7",
            "resource": Meter.Resource.HEAT,
            "address": "г. Миасс, ул. Калинина, д. 12, пом. 3, ИТП",
            "verification_in_months": 34,
            "start": Decimal("1184.210"),
            "scale": Decimal(1),
        },
        {
            "serial_number": "001383",
            "model_name": "ВСТ-20",
            "resource": Meter.Resource.HOT_WATER,
            "address": "г. Миасс, ул. Калинина, д. 12, пом. 3, санузел",
            "verification_in_months": 19,
            "start": Decimal("912.405"),
            "scale": Decimal(1),
        },
    ],
    "12346-ЭС": [
        {
            "serial_number": "077219",
            "model_name": "ВКТ-9",
            "resource": Meter.Resource.HEAT,
            "address": "г. Миасс, ул. Октябрьская, д. 5, склад, тепловой узел",
            "verification_in_months": 28,
            "start": Decimal("402.550"),
            "scale": Decimal("0.7"),
        },
    ],
    "54321-ЭС": [
        {
            "serial_number": "1172064",
            "model_name": "ТЭМ-106",
            "resource": Meter.Resource.HEAT,
            "address": "г. Миасс, пр. Автозаводцев, д. 44, пом. 1, тепловой узел",
            "verification_in_months": 40,
            "start": Decimal("3507.880"),
            "scale": Decimal("1.6"),
        },
        {
            "serial_number": "2205517",
            "model_name": "СГВ-15",
            "resource": Meter.Resource.HOT_WATER,
            "address": "г. Миасс, пр. Автозаводцев, д. 44, пом. 1, котельная",
            "verification_in_months": 12,
            "start": Decimal("48.120"),
            "scale": Decimal("1.6"),
        },
    ],
}


def _monthly(resource: str, month: dt.date, scale: Decimal) -> Decimal:
    heat, water = quantities_for(month)
    quantity = heat if resource == Meter.Resource.HEAT else water
    return (quantity * scale).quantize(Decimal("0.001"))


@transaction.atomic
def demo_meters_seed(*, contracts: list[Contract], today: dt.date) -> str:
    last_month = month_start(today, -1)
    first_month = month_start(last_month, -(MONTHS - 1))
    meters = readings = 0
    for contract in contracts:
        user = getattr(contract, "user", None) if contract.is_registered else None
        for spec in DEMO_METERS[contract.number]:
            spec = dict(spec)
            start, scale = spec.pop("start"), spec.pop("scale")
            spec["verification_due"] = month_end(today, spec.pop("verification_in_months"))
            meter, created = Meter.objects.get_or_create(
                contract=contract, serial_number=spec.pop("serial_number"), defaults=spec
            )
            meters += created
            existing = set(meter.readings.values_list("reading_date", flat=True))
            value, month, new = start, ORIGIN, []
            while month <= last_month:
                consumption = _monthly(meter.resource, month, scale)
                value += consumption
                day = month.replace(day=READING_DAY)
                if month >= first_month and day not in existing:
                    submitted_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
                    new.append(
                        Reading(
                            meter=meter,
                            value=value,
                            consumption=consumption,
                            reading_date=day,
                            submitted_at=submitted_at,
                            submitted_by=user,
                            ip=DEMO_IP if user else None,
                            source=Reading.Source.CABINET if user else Reading.Source.IMPORT,
                            status=Reading.Status.ACCEPTED,
                        )
                    )
                month = month_start(month, 1)
            Reading.objects.bulk_create(new)
            readings += len(new)
    return f"Создано приборов учета: {meters}, показаний: {readings}."
