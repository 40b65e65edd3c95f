"""Fixtures of the settlements tests: the demo ledger, long histories, and
reading statements back (PDF text, workbook cells)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Contract
from settlements.models import Invoice, InvoiceLine, Payment
from tests.conftest import client_for, make_contract
from tests.demo import demo_seed

MANUAL_PERIOD = {"start": "01.10.2021", "end": "31.12.2021"}
# Every page and download of the three tabs that reads a period.
PERIOD_URLS = [
    "settlements:settlements",
    "settlements:settlements-pdf",
    "settlements:settlements-xlsx",
    "settlements:charges",
    "settlements:charges-pdf",
    "settlements:charges-xlsx",
    "settlements:payments",
    "settlements:payments-xlsx",
]


def pdf_text(content: bytes) -> list[str]:
    """The text of each page, non-breaking spaces read as spaces."""
    assert content.startswith(b"%PDF-")
    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(io.BytesIO(content)).pages]


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def html(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&nbsp;", " ")


@pytest.fixture
def demo(db) -> Contract:
    """seed_demo's 12345-ЭС: the manual's charges and line, payments from 2022."""
    demo_seed()
    return Contract.objects.get(number="12345-ЭС")


@pytest.fixture
def demo_client(demo):
    return client_for(demo)


def monthly_history(contract: Contract, *, first: dt.date, months: int) -> None:
    """An invoice with two lines at each month's end and its payment in the
    next month, in bulk."""
    invoices = []
    for index in range(months):
        year, month = divmod(first.month - 1 + index, 12)
        day = dt.date(first.year + year, month + 1, 28)
        invoices.append(
            Invoice(
                contract=contract,
                date=day,
                number=f"ЭРО-{day:%Y%m}",
                amount=Decimal("2400.00"),
                vat_amount=Decimal("400.00"),
            )
        )
    Invoice.objects.bulk_create(invoices)
    lines, payments = [], []
    for invoice in invoices:
        for position, (tariff, unit) in enumerate((("Тепловая энергия", "Гкал"), ("ГВС", "м³")), start=1):
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=position,
                    installation="Нежилое помещение",
                    address="г. Миасс, ул. Калинина, д. 12",
                    tariff=tariff,
                    unit=unit,
                    quantity=Decimal("2"),
                    price=Decimal("500.00"),
                    amount=Decimal("1000.00"),
                    vat_amount=Decimal("200.00"),
                    vat_rate=Decimal("20.00"),
                    total=Decimal("1200.00"),
                )
            )
        payments.append(
            Payment(contract=contract, date=invoice.date + dt.timedelta(days=10), amount=Decimal("2000.00"))
        )
    InvoiceLine.objects.bulk_create(lines)
    Payment.objects.bulk_create(payments)


@pytest.fixture
def long_contract(db) -> Contract:
    """Ten years of monthly invoices with lines, and their payments."""
    contract = make_contract(number="20000-ЭС")
    monthly_history(contract, first=dt.date(2012, 1, 1), months=120)
    return contract


@pytest.fixture
def short_contract(db) -> Contract:
    """One month."""
    contract = make_contract(number="20001-ЭС")
    monthly_history(contract, first=dt.date(2021, 1, 1), months=1)
    return contract
