"""PDF statements: Django templates under templates/settlements/pdf/ rendered
by WeasyPrint with the fonts shipped in static/fonts/, bytes out.

A statement prints what billing and the customer typed (names, addresses);
the templates escape it, and the URL fetcher below refuses anything but our
own static files, so nothing in a statement can make the server read the
network or the rest of its disk.
"""

import datetime as dt
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from settlements.ledger import ChargesStatement, SettlementsStatement, Statement

# Statements say when they were made in the company's own time.
STATEMENT_TIME_ZONE = ZoneInfo("Asia/Yekaterinburg")


class FetchRefused(ValueError):
    """A statement asked for something other than our static files."""


def static_roots() -> list[Path]:
    roots = [Path(path) for path in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


class StaticFilesFetcher(URLFetcher):
    """Serves `file:` URLs under the given roots and inline `data:` URLs;
    refuses every other address (http, https, ftp, any other file)."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise FetchRefused(f"a statement loads nothing from {scheme or 'a relative address'}")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused("a statement loads no files from other hosts")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise FetchRefused("a statement loads only the site's own static files")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path2url(str(path)), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    # Relative addresses in the templates (fonts/…, img/…) are the static dir's.
    base_url = path2url(f"{static_roots()[0]}/")
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFilesFetcher(static_roots())).write_pdf()


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
