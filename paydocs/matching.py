"""Which issued «Счёт на оплату» a payment from billing paid.

A payment pays an invoice when it is on the invoice's contract, for the
invoice's amount to the kopeck, made on the day of issue or later, and its
purpose names the invoice's number («Оплата по счету № 17 от …», «сч. 17»):
the number the cabinet puts at the start of every invoice's purpose, which
the bank client copies into the payment order. A contract's number («по
договору № 12345-ЭС») is not an invoice's. Each invoice is paid by one
payment and each payment pays one invoice; the earliest payment wins.
"""

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from paydocs.models import PaymentInvoice
from settlements.models import Payment

# «счет № 17», «счёту №17», «счета N 17», «сч. 17», «счет на оплату № 17».
INVOICE_NUMBER = re.compile(
    r"\bсч(?:[её]т[а-я]*|\.)\s*(?:на\s+оплату\s*)?(?:№|N|#)?\s*(\d{1,12})(?!\d|-)",
    re.IGNORECASE,
)


def invoice_numbers(purpose: str) -> set[int]:
    """The invoice numbers a payment's purpose names."""
    return {int(number) for number in INVOICE_NUMBER.findall(purpose)}


@transaction.atomic
def payment_invoices_settle(*, contract_ids: Iterable[int] | None = None) -> int:
    """Marks paid every open invoice (of `contract_ids`, or of every contract)
    that a payment not yet matched pays; returns how many. Run after each
    load of payments: a payment that comes again changes nothing."""
    invoices = PaymentInvoice.objects.select_for_update().filter(paid_by__isnull=True)
    if contract_ids is not None:
        invoices = invoices.filter(contract_id__in=list(contract_ids))
    open_invoices = {invoice.pk: invoice for invoice in invoices.only("contract_id", "amount", "issued_at")}
    if not open_invoices:
        return 0
    issued_on = {pk: timezone.localdate(invoice.issued_at) for pk, invoice in open_invoices.items()}
    payments = (
        Payment.objects.filter(
            contract_id__in={invoice.contract_id for invoice in open_invoices.values()},
            amount__in={invoice.amount for invoice in open_invoices.values()},
            date__gte=min(issued_on.values()),
            payment_invoice__isnull=True,
        )
        .exclude(purpose="")
        .only("contract_id", "amount", "date", "purpose")
        .order_by("date", "pk")
    )
    paid = 0
    for payment in payments:
        for number in sorted(invoice_numbers(payment.purpose)):
            invoice = open_invoices.get(number)
            if (
                invoice is not None
                and invoice.contract_id == payment.contract_id
                and invoice.amount == payment.amount
                and payment.date >= issued_on[number]
            ):
                PaymentInvoice.objects.filter(pk=number).update(paid_by=payment)
                del open_invoices[number]
                paid += 1
                break
    return paid
