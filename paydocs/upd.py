"""The monthly closing document: a УПД (универсальный передаточный документ,
status 1: счёт-фактура and передаточный документ together) for each final
invoice, drawn from the invoice's own lines, so its figures are the
invoice's to the kopeck."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from enser_cabinet.money import ZERO
from enser_cabinet.versioned import contract_key, kept_bytes
from settlements.downloads import transliterate
from settlements.ledger import ChargedInvoice
from settlements.pdf import STATEMENT_TIME_ZONE, render_pdf

FINAL = "Окончательный счет"
# ОКЕИ codes of the units billing uses; another unit is printed with "—" for its code.
OKEI = {"Гкал": "233", "м³": "113", "м3": "113", "кВт·ч": "245", "т": "168"}
# A ZIP of more is a period to download in parts: each УПД is a PDF drawn on request.
ZIP_MOST = 12


def upd_filename(item: ChargedInvoice) -> str:
    invoice = item.invoice
    return transliterate(f"upd-{invoice.contract.number}-{invoice.number}-{invoice.date:%Y-%m-%d}.pdf")


def upd_totals(item: ChargedInvoice) -> dict[str, Decimal]:
    return {
        "amount": sum((line.amount for line in item.lines), ZERO),
        "vat_amount": sum((line.vat_amount for line in item.lines), ZERO),
        "total": sum((line.total for line in item.lines), ZERO),
    }


def upd_pdf(item: ChargedInvoice, made_at: dt.datetime | None = None) -> bytes:
    invoice = item.invoice
    contract = invoice.contract
    made_at = (made_at or timezone.now()).astimezone(STATEMENT_TIME_ZONE)
    return render_pdf(
        "paydocs/upd.html",
        {
            "invoice": invoice,
            "lines": [(line, OKEI.get(line.unit, "—")) for line in item.lines],
            "totals": upd_totals(item),
            "contract": contract,
            "organization": contract.organization,
            "company": settings.COMPANY,
            "made_at": made_at.strftime("%d.%m.%Y %H:%M"),
        },
    )


def upd_kept(item: ChargedInvoice) -> bytes:
    """The invoice's УПД, drawn once until the contract's data or requisites
    change (enser_cabinet/versioned.py): a ZIP of a year repeats no drawing."""
    invoice = item.invoice
    key = contract_key("upd.pdf", contract=invoice.contract, requisites=True, variant=str(invoice.pk))
    return kept_bytes(key, lambda: upd_pdf(item))


def upd_zip(items: list[ChargedInvoice]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            archive.writestr(upd_filename(item), upd_kept(item))
    return out.getvalue()
