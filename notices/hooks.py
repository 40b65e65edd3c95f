"""The signals of the apps below (billing, meters, appeals) turned into
notifications. Those apps send a signal and know nothing of notices, so the
dependency points down only, as between every other pair of apps; notices
reads their models to say what happened."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.dispatch import receiver

from appeals.models import Appeal, AppealStatusChange
from appeals.signals import appeal_changed
from billing.signals import rows_imported
from enser_cabinet.money import ZERO
from meters.models import Reading
from meters.signals import reading_reviewed
from notices import texts
from notices.balances import balances
from notices.events import Event
from notices.services import Notice, notify, notify_many, recipients_of
from settlements.models import Invoice, Payment


@receiver(rows_imported, dispatch_uid="notices-rows-imported")
def _rows_imported(*, invoice_ids: list[int], payment_ids: list[int], **kwargs) -> None:
    imported_notify(invoice_ids=invoice_ids, payment_ids=payment_ids)


# Rows told per round. A nightly import brings a new invoice and a payment for
# most contracts; told in one round, all their rows, texts and letters would be
# held at once, and the import's memory would grow with the number of contracts.
NEWS_CHUNK = 1000


def imported_notify(*, invoice_ids: list[int], payment_ids: list[int]) -> int:
    """New invoices and payments of an import, each told once (its number or
    its payment document and date is the period)."""
    invoices = list(
        Invoice.objects.filter(pk__in=invoice_ids).order_by("pk").values_list("pk", "contract_id")
    )
    # A refund or a correction (a negative amount) is no payment received.
    payments = list(
        Payment.objects.filter(pk__in=payment_ids, amount__gt=0)
        .order_by("date", "pk")
        .values_list("pk", "contract_id")
    )
    owed = balances(contract_ids=sorted({contract_id for _, contract_id in [*invoices, *payments]}))
    return _told(Event.INVOICE, Invoice, invoices, owed, _invoice_notice) + _told(
        Event.PAYMENT, Payment, payments, owed, _payment_notice
    )


def _told(
    event: str,
    model: type[Invoice | Payment],
    rows: list[tuple[int, int]],
    owed: dict[int, Decimal],
    notice: Callable[[Any, Decimal], Notice],
) -> int:
    """`rows` (id, contract id) told in their order, NEWS_CHUNK at a time;
    returns how many notifications were made."""
    # Who wants the event is read once for all the rounds.
    recipients = recipients_of(event, sorted({contract_id for _, contract_id in rows}))
    made = 0
    for start in range(0, len(rows), NEWS_CHUNK):
        chunk = rows[start : start + NEWS_CHUNK]
        found = model.objects.select_related("contract").in_bulk([pk for pk, _ in chunk])
        notices = [notice(found[pk], owed.get(contract_id, ZERO)) for pk, contract_id in chunk]
        made += notify_many(event, notices, recipients=recipients)
    return made


def _invoice_notice(invoice: Invoice, balance: Decimal) -> Notice:
    return Notice(
        invoice.contract_id,
        invoice.contract.number,
        f"{invoice.number}",
        **texts.invoice_texts(
            number=invoice.contract.number,
            date=invoice.date,
            amount=invoice.amount,
            balance=balance,
            invoice_id=invoice.pk,
        ),
    )


def _payment_notice(payment: Payment, balance: Decimal) -> Notice:
    return Notice(
        payment.contract_id,
        payment.contract.number,
        f"{payment.date:%Y-%m-%d}:{payment.document_number or payment.pk}",
        **texts.payment_texts(
            number=payment.contract.number, date=payment.date, amount=payment.amount, balance=balance
        ),
    )


@receiver(reading_reviewed, dispatch_uid="notices-reading-reviewed")
def _reading_reviewed(*, reading: Reading, **kwargs) -> None:
    meter = reading.meter
    rejected = reading.status == Reading.Status.REJECTED
    notify(
        Event.READING,
        meter.contract,
        f"{reading.pk}:{reading.status}",
        **texts.reading_texts(
            number=meter.contract.number,
            serial=meter.serial_number,
            reading=str(reading),
            rejected=rejected,
            reason=reading.reason if rejected else reading.review_note,
            meter_id=meter.pk,
        ),
    )


@receiver(appeal_changed, dispatch_uid="notices-appeal-changed")
def _appeal_changed(*, appeal: Appeal, change: AppealStatusChange | None, **kwargs) -> None:
    if appeal.contract_id is None:
        return  # sent without the cabinet: its letters go to the address it gave
    period = (
        f"{appeal.number}:status:{change.pk}"
        if change
        else f"{appeal.number}:reply:{int(appeal.replied_at.timestamp())}"
    )
    notify(
        Event.APPEAL,
        appeal.contract,
        period,
        **texts.appeal_texts(
            number=appeal.contract.number,
            appeal_number=appeal.number,
            status=appeal.get_status_display(),
            replied=change is None,
        ),
    )
