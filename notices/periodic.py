"""The daily jobs' work: readings window open and closing, verification due,
debt reminder. Each takes the day it runs for and may run any number of
times a day: the notifications' keys make each one once."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef

from accounts.models import Contract
from enser_cabinet.dates import days_in_month, month_start
from meters.models import Meter, Reading
from meters.rules import submission_window
from notices import texts
from notices.balances import balances
from notices.events import Event
from notices.services import Notice, notify_many

CLOSING_DAYS_BEFORE = 2
VERIFICATION_DAYS_BEFORE = 60


def _meters():
    """Meters in service of contracts with a cabinet."""
    return Meter.objects.filter(is_active=True, contract__registered_at__isnull=False)


def window_open_notify(*, today: dt.date) -> int:
    """While the month's window is open: every contract with a meter, once a month."""
    window = submission_window(today)
    if not window.is_open:
        return 0
    contracts = _meters().order_by("contract_id").values_list("contract_id", "contract__number").distinct()
    return notify_many(
        Event.WINDOW_OPEN,
        [
            Notice(
                pk,
                number,
                f"{today:%Y-%m}",
                **texts.window_open_texts(number=number, today=today, closes_on=window.closes_on),
            )
            for pk, number in contracts
        ],
    )


def window_closing_notify(*, today: dt.date) -> int:
    """From two days before the window closes: contracts with meters that
    have no accepted reading this month, naming those meters."""
    window = submission_window(today)
    if not window.is_open or (window.closes_on - today).days > CLOSING_DAYS_BEFORE:
        return 0
    accepted = Reading.objects.filter(
        meter=OuterRef("pk"), status=Reading.Status.ACCEPTED, reading_date__gte=month_start(today)
    )
    missing: dict[tuple[int, str], list[str]] = {}
    for contract_id, number, serial in (
        _meters()
        .filter(~Exists(accepted))
        .order_by("contract_id", "serial_number")
        .values_list("contract_id", "contract__number", "serial_number")
    ):
        missing.setdefault((contract_id, number), []).append(serial)
    return notify_many(
        Event.WINDOW_CLOSING,
        [
            Notice(
                pk,
                number,
                f"{today:%Y-%m}",
                **texts.window_closing_texts(number=number, closes_on=window.closes_on, serials=serials),
            )
            for (pk, number), serials in missing.items()
        ],
    )


def verification_notify(*, today: dt.date) -> int:
    """Meters whose verification is due within 60 days, once per meter and due date."""
    due = _meters().filter(
        verification_due__gte=today, verification_due__lte=today + dt.timedelta(days=VERIFICATION_DAYS_BEFORE)
    )
    return notify_many(
        Event.VERIFICATION,
        [
            Notice(
                m.contract_id,
                m.contract.number,
                f"{m.pk}:{m.verification_due:%Y-%m-%d}",
                **texts.verification_texts(
                    number=m.contract.number, serial=m.serial_number, due=m.verification_due, meter_id=m.pk
                ),
            )
            for m in due.select_related("contract").order_by("contract_id", "pk")
        ],
    )


def debt_notify(*, today: dt.date) -> int:
    """From the reminder's day of the month (NOTICES_DEBT_DAY, the month's
    last day in a shorter month): contracts whose debt is above
    NOTICES_DEBT_THRESHOLD, once a month."""
    if today.day < min(settings.NOTICES_DEBT_DAY, days_in_month(today)):
        return 0
    threshold = Decimal(settings.NOTICES_DEBT_THRESHOLD)
    owed = {pk: amount for pk, amount in balances().items() if amount > threshold}
    numbers = dict(
        Contract.objects.filter(pk__in=list(owed), registered_at__isnull=False).values_list("pk", "number")
    )
    return notify_many(
        Event.DEBT,
        [
            Notice(
                pk, number, f"{today:%Y-%m}", **texts.debt_texts(number=number, balance=owed[pk], today=today)
            )
            for pk, number in sorted(numbers.items())
        ],
    )


def daily_notify(*, today: dt.date) -> dict[str, int]:
    """Every daily job for `today`, as the worker runs them; how many each made."""
    return {
        "window_open": window_open_notify(today=today),
        "window_closing": window_closing_notify(today=today),
        "verification": verification_notify(today=today),
        "debt": debt_notify(today=today),
    }
