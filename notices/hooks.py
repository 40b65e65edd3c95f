"""The signals of the apps below (billing, meters, appeals) turned into
notifications. Those apps send a signal and know nothing of notices, so the
dependency points down only, as between every other pair of apps; notices
reads their models to say what happened."""

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
from notices.services import Notice, notify, notify_many
from settlements.models import Invoice, Payment


@receiver(rows_imported, dispatch_uid="notices-rows-imported")
def _rows_imported(*, invoice_ids: list[int], payment_ids: list[int], **kwargs) -> None:
    imported_notify(invoice_ids=invoice_ids, payment_ids=payment_ids)


def imported_notify(*, invoice_ids: list[int], payment_ids: list[int]) -> int:
    """New invoices and payments of an import, each told once (its number or
    its payment document and date is the period)."""
    invoices = list(Invoice.objects.filter(pk__in=invoice_ids).select_related("contract").order_by("pk"))
    # A refund or a correction (a negative amount) is no payment received.
    payments = list(
        Payment.objects.filter(pk__in=payment_ids, amount__gt=0)
        .select_related("contract")
        .order_by("date", "pk")
    )
    owed = balances(contract_ids=sorted({row.contract_id for row in [*invoices, *payments]}))
    made = notify_many(
        Event.INVOICE,
        [
            Notice(
                i.contract_id,
                i.contract.number,
                f"{i.number}",
                **texts.invoice_texts(
                    number=i.contract.number,
                    date=i.date,
                    amount=i.amount,
                    balance=owed.get(i.contract_id, ZERO),
                    invoice_id=i.pk,
                ),
            )
            for i in invoices
        ],
    )
    made += notify_many(
        Event.PAYMENT,
        [
            Notice(
                p.contract_id,
                p.contract.number,
                f"{p.date:%Y-%m-%d}:{p.document_number or p.pk}",
                **texts.payment_texts(
                    number=p.contract.number,
                    date=p.date,
                    amount=p.amount,
                    balance=owed.get(p.contract_id, ZERO),
                ),
            )
            for p in payments
        ],
    )
    return made


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
