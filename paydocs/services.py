"""Issuing a "Счёт на оплату" and drawing it: the figures, the purpose of
payment, the QR code and the PDF."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.journal import Origin, journal_record
from accounts.models import ActionRecord, Contract, User
from enser_cabinet.formatting import format_date, format_number
from enser_cabinet.money import round_money
from enser_cabinet.versioned import contract_key, kept_bytes
from paydocs import qr
from paydocs.models import CustomerBankAccount, PaymentInvoice, SupplierBankAccount
from paydocs.words import rubles_in_words
from settlements.pdf import STATEMENT_TIME_ZONE, render_pdf
from settlements.vat import vat_rate_on

DEFAULT_SERVICE = "Теплоснабжение и горячее водоснабжение"


@transaction.atomic
def customer_bank_account_save(
    *, contract: Contract, account: str, bik: str, user: User, origin: Origin | None = None
) -> CustomerBankAccount:
    """The organization's own account for its payment orders, recorded in the
    journal on the contract it was changed from."""
    saved, _ = CustomerBankAccount.objects.update_or_create(
        organization=contract.organization, defaults={"account": account, "bik": bik, "updated_by": user}
    )
    journal_record(
        action=ActionRecord.Kind.BANK_ACCOUNT_CHANGED,
        user=user,
        contract=contract,
        details=f"Расчетный счет {account}, БИК {bik}",
        origin=origin,
    )
    return saved


def vat_included(amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside a sum that includes it."""
    return round_money(amount * rate / (Decimal(100) + rate))


def invoice_reference(*, number: int, on: dt.date) -> str:
    """How a purpose names its invoice, so that the payment is matched to it
    when billing brings it back (paydocs/matching.py)."""
    return f"по счету № {number} от {format_date(on)}"


def default_purpose(*, contract: Contract, amount: Decimal, on: dt.date, number: int) -> str:
    """«Оплата по счету № 17 от 03.12.2026 по договору № 12345-ЭС от 27.09.2021
    за теплоснабжение и ГВС, в т.ч. НДС 22 % — 4 113,91 руб.»"""
    rate = vat_rate_on(on)
    service = "теплоснабжение и ГВС" if contract.service == DEFAULT_SERVICE else contract.service.lower()
    return (
        f"Оплата {invoice_reference(number=number, on=on)} "
        f"по договору № {contract.number} от {format_date(contract.signed_on)} за {service}, "
        f"в т.ч. НДС {format_number(rate, 0)} % — {format_number(vat_included(amount, rate), group=' ')} руб."
    )


def own_purpose(purpose: str, *, number: int, on: dt.date) -> str:
    """The customer's own words, after the invoice's number and date."""
    reference = invoice_reference(number=number, on=on)
    return f"{reference[0].upper()}{reference[1:]}. {purpose}"


@transaction.atomic
def payment_invoice_issue(
    *, contract: Contract, user: User | None, amount: Decimal, bank: SupplierBankAccount, purpose: str = ""
) -> PaymentInvoice:
    """The invoice, paid to `bank` (SupplierBankAccount.current() as the
    customer saw it). Its purpose begins with its own number and date, which
    are known once it is saved."""
    now = timezone.now()
    today = timezone.localdate(now)
    rate = vat_rate_on(today)
    invoice = PaymentInvoice.objects.create(
        contract=contract,
        issued_at=now,
        issued_by=user,
        amount=amount,
        vat_rate=rate,
        vat_amount=vat_included(amount, rate),
        purpose="",
        bank_name=bank.bank_name,
        bik=bank.bik,
        correspondent_account=bank.correspondent_account,
        account=bank.account,
    )
    purpose = purpose.strip()
    if purpose:
        invoice.purpose = own_purpose(purpose, number=invoice.pk, on=today)
    else:
        invoice.purpose = default_purpose(contract=contract, amount=amount, on=today, number=invoice.pk)
    invoice.save(update_fields=["purpose"])
    return invoice


def qr_payload(invoice: PaymentInvoice) -> str:
    company = settings.COMPANY
    return qr.payload(
        qr.Payment(
            name=company["name"],
            account=invoice.account,
            bank_name=invoice.bank_name,
            bik=invoice.bik,
            correspondent_account=invoice.correspondent_account,
            inn=company["inn"],
            kpp=company["kpp"],
            purpose=invoice.purpose,
            amount=invoice.amount,
        )
    )


def payment_invoice_kept(invoice: PaymentInvoice) -> bytes:
    """The invoice's PDF, drawn once: an issued invoice does not change, and
    the key holds what else it shows (the contract's data and requisites,
    the code that draws it, enser_cabinet/versioned.py), so a download
    repeated by the customer or their accountant costs no drawing."""
    shown = (
        invoice.pk,
        invoice.issued_at,
        invoice.amount,
        invoice.vat_rate,
        invoice.vat_amount,
        invoice.purpose,
        invoice.bank_name,
        invoice.bik,
        invoice.correspondent_account,
        invoice.account,
    )
    key = contract_key("paydocs.invoice.pdf", contract=invoice.contract, requisites=True, variant=repr(shown))
    return kept_bytes(key, lambda: payment_invoice_pdf(invoice))


def payment_invoice_pdf(invoice: PaymentInvoice) -> bytes:
    contract = invoice.contract
    return render_pdf(
        "paydocs/invoice.html",
        {
            "invoice": invoice,
            "contract": contract,
            "organization": contract.organization,
            "company": settings.COMPANY,
            "issued_on": timezone.localtime(invoice.issued_at, STATEMENT_TIME_ZONE).date(),
            "made_at": timezone.localtime(invoice.issued_at, STATEMENT_TIME_ZONE).strftime("%d.%m.%Y %H:%M"),
            "in_words": rubles_in_words(invoice.amount),
            "qr": qr.svg(qr_payload(invoice)),
        },
    )
