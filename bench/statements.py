"""Rendering the PDF statements of long histories.

The statements are built in memory (no database): what is measured is the
template and WeasyPrint, which is where the time goes; the reads are a fixed
handful of queries (tests/settlements/test_queries.py).
"""

import datetime as dt
import io
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from html import escape
from html.parser import HTMLParser

from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML

from accounts.models import Contract, Organization
from enser_cabinet.dates import month_end
from settlements.ledger import (
    ChargedInvoice,
    ChargesStatement,
    LedgerRow,
    Period,
    SettlementsStatement,
    Statement,
)
from settlements.models import Invoice, InvoiceLine
from settlements.pdf import _context, charges_statement_pdf, settlements_statement_pdf

RUNS = 3
SETTLEMENTS = "settlements/pdf/settlements.html"
CHARGES = "settlements/pdf/charges.html"
# The manual's heat line and a hot-water line, each month.
SERVICES = [
    ("Тепловая энергия", "Гкал", "3.32", "1353.53", "4493.72", "898.74"),
    ("ГВС (теплоноситель)", "м³", "7.641", "175.37", "1340.00", "268.00"),
]
FIRST = dt.date(2015, 1, 1)


def _contract() -> Contract:
    organization = Organization(
        inn="7453012342",
        kpp="745301001",
        name="ООО «Тепломонтаж»",
        legal_address="456300, Челябинская обл., г. Миасс, ул. Калинина, д. 12, оф. 3",
    )
    # With a pk, as read from the database: the УПД's cache key names it.
    return Contract(pk=1, number="12345-ЭС", organization=organization, signed_on=dt.date(2014, 12, 1))


def settlements_of(rows: int) -> SettlementsStatement:
    """Charges and payments taking turns, one a day."""
    ledger = [
        LedgerRow(
            date=FIRST + dt.timedelta(days=index),
            charged=Decimal("12345.67") if index % 2 == 0 else None,
            paid=Decimal("12000.00") if index % 2 else None,
            operation_type="Окончательный счет" if index % 2 == 0 else "Оплата",
            document=f"ЭРО-{index:06d}" if index % 2 == 0 else f"ПП-{index:06d}",
        )
        for index in range(rows)
    ]
    period = Period(FIRST, FIRST + dt.timedelta(days=rows))
    return SettlementsStatement(contract=_contract(), period=period, opening=Decimal("0.00"), rows=ledger)


def monthly_settlements(years: int) -> SettlementsStatement:
    """One invoice at each month's end: 12 rows a year."""
    ledger = [
        LedgerRow(
            date=month_end(FIRST, index),
            charged=Decimal("12345.67"),
            paid=None,
            operation_type="Окончательный счет",
            document=f"ЭРО-{index:06d}",
        )
        for index in range(years * 12)
    ]
    period = Period(FIRST, month_end(FIRST, years * 12 - 1))
    return SettlementsStatement(contract=_contract(), period=period, opening=Decimal("0.00"), rows=ledger)


def monthly_charges(years: int) -> ChargesStatement:
    """One invoice a month with two lines, heat and hot water."""
    invoices = []
    for index in range(years * 12):
        day = month_end(FIRST, index)
        lines = [
            InvoiceLine(
                position=position,
                installation="Многоквартирный дом, нежилое помещение",
                address="г. Миасс, ул. Калинина, д. 12, пом. 3",
                tariff=tariff,
                unit=unit,
                quantity=Decimal(quantity),
                price=Decimal(price),
                amount=Decimal(amount),
                vat_amount=Decimal(vat),
                vat_rate=Decimal("20.00"),
                total=Decimal(amount) + Decimal(vat),
                period_amount=Decimal("0.00"),
            )
            for position, (tariff, unit, quantity, price, amount, vat) in enumerate(SERVICES, start=1)
        ]
        invoice = Invoice(
            pk=index + 1,
            date=day,
            number=f"ЭРО-{day:%Y%m}-12345",
            amount=sum((line.total for line in lines), Decimal("0.00")),
            vat_amount=sum((line.vat_amount for line in lines), Decimal("0.00")),
        )
        invoices.append(ChargedInvoice(invoice=invoice, lines=lines))
    period = Period(FIRST, invoices[-1].invoice.date)
    return ChargesStatement(contract=_contract(), period=period, invoices=invoices)


class _TableCells(HTMLParser):
    """The rows of a statement's table as its cells read: (text, colspan)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, int]]] = []
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            self._span = int(dict(attrs).get("colspan") or 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append((" ".join("".join(self._cell).split()), self._span))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def statement_cells(template: str, statement: Statement) -> list[list[tuple[str, int]]]:
    """The cells of the statement's table, as the template writes them."""
    parser = _TableCells()
    parser.feed(render_to_string(template, _context(statement, None)))
    return parser.rows


def bare_table(rows: list[list[tuple[str, int]]], *, landscape: bool = False) -> bytes:
    """The reference: bare WeasyPrint on a plain table of the statement's rows,
    columns and cell texts, no template, fonts or styling of ours."""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td colspan="{span}">{escape(text)}</td>' if span > 1 else f"<td>{escape(text)}</td>"
            for text, span in row
        )
        + "</tr>"
        for row in rows
    )
    html = (
        f"<style>@page {{ size: A4{' landscape' if landscape else ''}; margin: 15mm }}"
        " table { border-collapse: collapse; width: 100% } td { border: 1px solid #999; padding: 2px 4px;"
        f" font-size: 8pt }}</style><table>{body}</table>"
    )
    return HTML(string=html).write_pdf()


def measure(name: str, render: Callable[[], bytes]) -> float:
    content = render()  # the first run also loads the fonts
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        content = render()
        seconds.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    print(
        f"{name:<58} {statistics.median(seconds):6.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})"
        f"  {pages:3d} pages  {len(content) / 1024:7.1f} KiB"
    )
    return statistics.median(seconds)


def against_bare(
    name: str, render: Callable[[], bytes], *, cells: list[list[tuple[str, int]]], landscape: bool
) -> None:
    """The statement, then bare WeasyPrint on a table of its rows, columns and cell texts."""
    ours = measure(name, render)
    columns = max(sum(span for _, span in row) for row in cells)
    bare = measure(
        f"  голый WeasyPrint: таблица {len(cells)} × {columns}",
        lambda: bare_table(cells, landscape=landscape),
    )
    print(f"  отношение к голому WeasyPrint: {ours / bare:.2f}")


STATEMENTS = ("settlements", "thousand", "charges", "paydocs")


def main(argv: list[str] | None = None) -> None:
    """`python -m bench [settlements] [thousand] [charges] [paydocs]`: the
    statements named, or all of them."""
    only = set(argv or STATEMENTS)
    if unknown := only - set(STATEMENTS):
        raise SystemExit(f"unknown statements: {', '.join(sorted(unknown))}; known: {', '.join(STATEMENTS)}")
    print(f"PDF statements, median of {RUNS} runs after a warm-up:")
    for name in ("settlements", "thousand", "charges"):
        if name not in only:
            continue
        title, statement, template, draw, landscape = _statement(name)
        against_bare(
            title,
            lambda draw=draw, statement=statement: draw(statement=statement),
            cells=statement_cells(template, statement),
            landscape=landscape,
        )
    if "paydocs" in only:
        payment_documents()


def _statement(name: str) -> tuple[str, Statement, str, Callable[..., bytes], bool]:
    """The statement `name` with its title, template, drawing and orientation."""
    if name == "settlements":
        statement = monthly_settlements(10)
        title = f"Справка по взаиморасчетам, 10 лет ({len(statement.rows)} строк)"
        return title, statement, SETTLEMENTS, settlements_statement_pdf, False
    if name == "thousand":
        statement = settlements_of(1000)
        return (
            f"Справка по взаиморасчетам, {len(statement.rows)} строк",
            statement,
            SETTLEMENTS,
            settlements_statement_pdf,
            False,
        )
    # Each invoice is a heading row over its lines, in twelve columns.
    charges = monthly_charges(10)
    lines = sum(len(item.lines) for item in charges.invoices)
    title = f"Справка по начислениям, 10 лет ({len(charges.invoices)} счетов, {lines} строк)"
    return title, charges, CHARGES, charges_statement_pdf, True


def payment_documents() -> None:
    """«Счёт на оплату» with its QR code and the УПД: one page each, drawn on request."""
    from django.utils import timezone

    from paydocs.models import PaymentInvoice
    from paydocs.services import default_purpose, payment_invoice_pdf
    from paydocs.upd import upd_pdf, upd_zip

    invoice = PaymentInvoice(
        pk=153,
        contract=_contract(),
        issued_at=timezone.now(),
        amount=Decimal("22813.54"),
        vat_rate=Decimal("22.00"),
        vat_amount=Decimal("4113.92"),
        purpose=default_purpose(
            contract=_contract(), amount=Decimal("22813.54"), on=dt.date(2026, 12, 3), number=153
        ),
        bank_name="ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
        bik="047501602",
        correspondent_account="30101810700000000602",
        account="40702810672000012345",
    )
    print("Платежные документы:")
    measure("Счёт на оплату с QR-кодом", lambda: payment_invoice_pdf(invoice))
    charges = monthly_charges(1)
    # A contract no earlier run has kept УПД of: the first ZIP draws all twelve.
    charges.contract.pk = time.time_ns()
    year = charges.invoices
    for item in year:
        item.invoice.contract = charges.contract
    measure("УПД одного начисления (2 строки)", lambda: upd_pdf(year[0]))
    for run in ("УПД за год одним ZIP (12 PDF)", "  тот же ZIP ещё раз (УПД из кэша)"):
        started = time.perf_counter()
        size = len(upd_zip(year)) / 1024
        print(f"{run:<58} {time.perf_counter() - started:6.2f} s  {size:7.1f} KiB")
