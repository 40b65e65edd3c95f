"""PDF statements: Django templates under templates/settlements/pdf/ rendered
by WeasyPrint with the fonts shipped in static/fonts/, bytes out.

A statement prints what billing and the customer typed (names, addresses);
the templates escape it, and the URL fetcher (settlements/fetcher.py)
refuses anything but our own static files, so nothing in a statement can
make the server read the network or the rest of its disk.
"""

import atexit
import datetime as dt
import functools
import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from settlements.ledger import ChargesStatement, SettlementsStatement, Statement

if TYPE_CHECKING:  # WeasyPrint is imported only when a statement is drawn
    from weasyprint import CSS, HTML
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


# WeasyPrint's default stylesheet styles, for every element, six pseudo-elements
# our documents never have: the calls and markers of footnotes and notes, and
# ::marker. WeasyPrint computes each of them per element all the same, which is
# most of the cascade of a long table. The documents use no footnotes or notes
# (their rules go); markers are kept for list items, the only boxes that have one.
_UNUSED_PSEUDO_ELEMENTS = re.compile(r"^::(?:footnote|note)-[a-z-]+ \{[^}]*\}\n", re.MULTILINE)


@functools.cache
def _document_stylesheet() -> "CSS":
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    text = _UNUSED_PSEUDO_ELEMENTS.sub("", UA).replace("\n::marker {", "\nli::marker, summary::marker {")
    # Its @counter-style rules go to a store of their own: the document's
    # counter styles are WeasyPrint's, copied for each document as before.
    return CSS(string=text, counter_style=CounterStyle())


@functools.cache
def _document_class() -> type["HTML"]:
    from weasyprint import HTML

    class Document(HTML):
        """An HTML document drawn with the stylesheet above in place of WeasyPrint's default."""

        def _ua_stylesheets(self, forms: bool = False) -> list["CSS"]:
            return [_document_stylesheet(), *super()._ua_stylesheets(forms)[1:]]

    return Document


_pausing = threading.Lock()
_drawings = 0  # statements being drawn now, in all threads
_paused_collector = False  # whether the first of them paused the collector


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint draws.

    A long statement makes a few hundred thousand boxes, styles and layouts;
    each of the collector's full passes walks them all (and everything the
    process holds), three times in a ten-year charges statement, which is a
    fifth of its drawing time. Paused, the drawing's garbage is freed as it
    goes by reference counting, and its few cycles (some 20 MB, gone when the
    drawing is) by the collector's first pass after it. The collector runs
    again once no thread is drawing; if something else had paused it, it
    stays paused."""
    global _drawings, _paused_collector
    with _pausing:
        if _drawings == 0:
            _paused_collector = gc.isenabled()
            gc.disable()
        _drawings += 1
    try:
        yield
    finally:
        with _pausing:
            _drawings -= 1
            if _drawings == 0 and _paused_collector:
                gc.enable()


def render_pdf(template: str, context: dict) -> bytes:
    # WeasyPrint takes a second to import: loaded by what draws a statement,
    # not by every process that reads the URLs (commands, job workers).
    from weasyprint.urls import path2url

    from settlements.fetcher import StaticFilesFetcher

    html = render_to_string(template, context)
    # Relative addresses in the templates (fonts/…, img/…) are the static dir's.
    roots = static_roots()
    with _cycle_collector_paused():
        document = _document_class()(
            string=html, base_url=path2url(f"{roots[0]}/"), url_fetcher=StaticFilesFetcher(roots)
        )
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
