"""PDF statements: Django templates under templates/settlements/pdf/ rendered
by WeasyPrint with the fonts shipped in static/fonts/, bytes out.

A statement prints what billing and the customer typed (names, addresses);
the templates escape it, and the URL fetcher (settlements/fetcher.py)
refuses anything but our own static files, so nothing in a statement can
make the server read the network or the rest of its disk.
"""

import atexit
import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from settlements.ledger import ChargesStatement, SettlementsStatement, Statement

if TYPE_CHECKING:  # WeasyPrint is imported only when a statement is drawn
    from weasyprint.text.fonts import FontConfiguration

# Statements say when they were made in the company's own time.
STATEMENT_TIME_ZONE = ZoneInfo("Asia/Yekaterinburg")


def static_roots() -> list[Path]:
    roots = [Path(path) for path in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


_drawing = threading.local()


@atexit.register
def _forget_font_config() -> None:
    # Dropped while the interpreter still works, so that the configuration
    # removes its temporary folder of fonts; a thread's goes when it ends.
    _drawing.__dict__.clear()


def _font_config() -> "FontConfiguration":
    """This thread's font configuration, kept between statements: Fontconfig
    loads the system's configuration once, and the @font-face fonts are read,
    written out and registered once, not on every statement. Per thread, as
    Pango's font map is not to be shared between threads."""
    if getattr(_drawing, "font_config", None) is None:
        from weasyprint.text.fonts import FontConfiguration

        _drawing.font_config = FontConfiguration()
    return _drawing.font_config


def render_pdf(template: str, context: dict) -> bytes:
    # WeasyPrint takes a second to import: loaded by what draws a statement,
    # not by every process that reads the URLs (commands, job workers).
    from weasyprint import HTML
    from weasyprint.urls import path2url

    from settlements.fetcher import StaticFilesFetcher

    html = render_to_string(template, context)
    # Relative addresses in the templates (fonts/…, img/…) are the static dir's.
    roots = static_roots()
    document = HTML(string=html, base_url=path2url(f"{roots[0]}/"), url_fetcher=StaticFilesFetcher(roots))
    return document.write_pdf(font_config=_font_config())


def _context(statement: Statement, made_at: dt.datetime | None) -> dict:
    made_at = made_at or timezone.now()
    return {
        "statement": statement,
        "contract": statement.contract,
        "organization": statement.contract.organization,
        "company": settings.COMPANY,
        "made_at": made_at.astimezone(STATEMENT_TIME_ZONE).strftime("%d.%m.%Y %H:%M"),
    }


def settlements_statement_pdf(
    *, statement: SettlementsStatement, made_at: dt.datetime | None = None
) -> bytes:
    """ "Справка по взаиморасчетам": A4 portrait."""
    return render_pdf("settlements/pdf/settlements.html", _context(statement, made_at))


def charges_statement_pdf(*, statement: ChargesStatement, made_at: dt.datetime | None = None) -> bytes:
    """ "Справка по начислениям": A4 landscape, for the twelve columns of the lines."""
    return render_pdf("settlements/pdf/charges.html", _context(statement, made_at))
