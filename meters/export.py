"""The month's accepted readings as CSV for the billing system.

One row per meter: its last accepted reading of the month and the month's
consumption (the sum over the month's accepted readings, rollovers
included). UTF-8 with "," by default; Windows-1251 with ";" for the billing
systems that want it. With any delimiter but ",", numbers take a decimal
comma, as Russian spreadsheets and 1C read them.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.db.models import Count, Q, Sum

from enser_cabinet.dates import month_start
from enser_cabinet.formatting import format_date
from enser_cabinet.spreadsheets import csv_text
from meters.models import Meter, Reading

HEADER = [
    "Номер договора",
    "ИНН",
    "Заводской номер ПУ",
    "Ресурс",
    "Единица",
    "Адрес установки",
    "Дата показаний",
    "Показания",
    "Расход за период",
    "Переход через ноль",
    "Источник",
    "Передано",
]
ENCODINGS = ["utf-8", "cp1251"]
# Characters Windows-1251 lacks, as billing systems spell them.
CP1251_SPELLING = str.maketrans({"³": "3", "²": "2"})
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class ExportError(ValueError):
    pass


def parse_period(text: str) -> dt.date:
    """`2026-10` → 1 October 2026; anything else is an ExportError with the reason."""
    match = PERIOD.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise ExportError(f"Период «{text}» не понят: нужен месяц в виде ГГГГ-ММ, например 2026-10.")
    return dt.date(int(match[1]), int(match[2]), 1)


@dataclass(frozen=True)
class ExportCounts:
    rows: int  # meters exported
    readings: int  # accepted readings of the period behind them
    contracts: int
    on_review: int  # not exported: still waiting for staff
    without_reading: int  # working meters with no accepted reading this period


def readings_export(
    *, period: dt.date, out: BinaryIO, encoding: str = "utf-8", delimiter: str = ","
) -> ExportCounts:
    if encoding not in ENCODINGS:
        raise ExportError(f"Кодировка «{encoding}» не поддерживается: {', '.join(ENCODINGS)}.")
    if len(delimiter) != 1 or delimiter in '\r\n"0123456789':
        raise ExportError(f"Разделитель «{delimiter}» не годится: нужен один знак, например ; или ,.")
    first, following = period, month_start(period, 1)
    in_period = Q(reading_date__gte=first, reading_date__lt=following)
    accepted = Reading.objects.filter(in_period, status=Reading.Status.ACCEPTED)
    totals = {
        row["meter"]: row
        for row in accepted.order_by()
        .values("meter")
        .annotate(
            consumption=Sum("consumption"),
            count=Count("id"),
            rollovers=Count("id", filter=Q(is_rollover=True)),
        )
    }
    last_of_meter: dict[int, Reading] = {}
    for reading in accepted.select_related("meter__contract__organization").order_by(
        "reading_date", "submitted_at", "id"
    ):
        last_of_meter[reading.meter_id] = reading
    rows = sorted(last_of_meter.values(), key=lambda r: (r.meter.contract.number, r.meter.serial_number))

    text = io.TextIOWrapper(out, encoding=encoding, newline="", write_through=True)
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    decimal_comma = delimiter != ","
    spell = (lambda s: s.translate(CP1251_SPELLING)) if encoding == "cp1251" else (lambda s: s)

    def number(value: Decimal | None, places: int) -> str:
        if value is None:
            return ""
        shown = f"{value.quantize(Decimal(1).scaleb(-places)):f}"
        return shown.replace(".", ",") if decimal_comma else shown

    writer.writerow(HEADER)
    for reading in rows:
        meter = reading.meter
        contract = meter.contract
        # Text that billing or staff typed stays text; numbers stay numbers.
        text_cells = [
            csv_text(spell(value))
            for value in (
                contract.number,
                contract.organization.inn,
                meter.serial_number,
                meter.get_resource_display(),
                meter.unit,
                meter.address,
            )
        ]
        writer.writerow(
            [
                *text_cells,
                format_date(reading.reading_date),
                number(reading.value, meter.digits_after),
                number(totals[meter.pk]["consumption"], meter.digits_after),
                "да" if totals[meter.pk]["rollovers"] else "нет",
                reading.get_source_display(),
                format_date(reading.submitted_at),
            ]
        )
    text.detach()
    exported = {r.meter_id for r in rows}
    return ExportCounts(
        rows=len(rows),
        readings=sum(totals[m]["count"] for m in exported),
        contracts=len({r.meter.contract_id for r in rows}),
        on_review=Reading.objects.filter(in_period, status=Reading.Status.REVIEW).count(),
        without_reading=Meter.objects.filter(is_active=True).exclude(pk__in=exported).count(),
    )
