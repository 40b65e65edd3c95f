"""The "Взаиморасчеты", "Начисления" and "Оплаты" tabs and their downloads.

Every address is the signed-in customer's own: no contract in the URL, and
an invoice is looked up among the contract's invoices only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.decorators import customer_required
from accounts.roles import Action
from enser_cabinet.ratelimit import limit, ratelimit
from enser_cabinet.versioned import contract_key, lazy_html, render_page
from settlements import ledger, pdf, xlsx
from settlements.cache import statement_cached, statement_keep, statement_key
from settlements.downloads import PDF, XLSX, attachment_response, statement_filename
from settlements.forms import PeriodForm


@dataclass(frozen=True)
class Tab:
    name: str
    template: str
    panel: str  # the part of the page below the tabs: period form and table
    read: Callable  # the statement of a contract for a period
    kind: str  # in the names of the downloaded files
    extra: Callable[[], dict[str, Any]] = dict  # more of the panel's context, read per request


def _bank_links() -> dict[str, Any]:
    # The "Сбербанк Онлайн" button; read per request, so it follows the settings.
    return {"sberbank_online_url": settings.SBERBANK_ONLINE_URL}


SETTLEMENTS = Tab(
    "settlements",
    "settlements/settlements.html",
    "settlements/_settlements_panel.html",
    ledger.settlements_statement,
    "vzaimoraschety",
)
CHARGES = Tab(
    "charges",
    "settlements/charges.html",
    "settlements/_charges_panel.html",
    ledger.charges_statement,
    "nachisleniya",
)
PAYMENTS = Tab(
    "payments",
    "settlements/payments.html",
    "settlements/_payments_panel.html",
    ledger.payments_statement,
    "oplaty",
    _bank_links,
)


def render_tab(request: HttpRequest, tab: Tab, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, tab.template, {"tab": tab.name, **tab.extra(), **context}, status=status)


def render_statement(request: HttpRequest, tab: Tab, form: PeriodForm, **options: Any) -> HttpResponse:
    """The tab with its statement for a valid period. The panel (period form
    and table) and then the whole page are drawn once and read from the
    cache until the contract's data, the period, the options or the release
    change (enser_cabinet/versioned.py): a repeated page reads no ledger."""
    contract, period = request.contract, form.period
    extra = tab.extra()
    shows = repr(sorted({**extra, **options}.items()))

    def draw() -> str:
        statement = tab.read(contract=contract, period=period)
        return render_to_string(tab.panel, {"form": form, "statement": statement, **extra, **options})

    panel = lazy_html(
        contract_key(
            f"panel:{tab.name}", contract=contract, start=period.start, end=period.end, variant=shows
        ),
        draw,
    )
    context = {"tab": tab.name, "form": form, "panel": panel, **extra}
    return render_page(
        request, tab.template, context, contract=contract, start=period.start, end=period.end, shows=shows
    )


PeriodView = Callable[[HttpRequest, PeriodForm], HttpResponse]


def with_period(
    tab: Tab, action: Action = Action.LEDGER
) -> Callable[[PeriodView], Callable[[HttpRequest], HttpResponse]]:
    """Reads the period from the query string. A bad period shows the tab's
    page with the message next to the field and status 400, for pages and
    downloads alike."""

    def decorate(view: PeriodView) -> Callable[[HttpRequest], HttpResponse]:
        @require_safe
        @customer_required(action)
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            form = PeriodForm(request.GET, today=timezone.localdate())
            if not form.is_valid():
                return render_tab(request, tab, {"form": form}, status=400)
            return view(request, form)

        return wrapper

    return decorate


def statement_download(
    tab: Tab, write: Callable[..., bytes], extension: str
) -> Callable[[HttpRequest], HttpResponse]:
    """The tab's statement for the period as a file, e.g.
    spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.pdf. A file made
    before for the same data is sent from the cache (settlements/cache.py)."""
    content_type = PDF if extension == "pdf" else XLSX

    # A long PDF takes seconds of a worker: one customer may not make them all.
    @ratelimit(key="user_or_ip", rate=limit("statements"), group="settlements:statements", block=True)
    def make(request: HttpRequest, period: ledger.Period, key: str) -> bytes:
        content = write(statement=tab.read(contract=request.contract, period=period))
        statement_keep(key, content)
        return content

    @with_period(tab, Action.STATEMENTS)
    def download(request: HttpRequest, form: PeriodForm) -> HttpResponse:
        contract, period = request.contract, form.period
        key = statement_key(contract=contract, kind=tab.kind, extension=extension, period=period)
        content = statement_cached(key)
        if content is None:
            content = make(request, period, key)
        filename = statement_filename(
            kind=tab.kind, contract_number=contract.number, period=period, extension=extension
        )
        return attachment_response(content, filename=filename, content_type=content_type)

    return download


@with_period(SETTLEMENTS)
def settlements(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    return render_statement(request, SETTLEMENTS, form)


@with_period(CHARGES)
def charges(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    # "Детализировать все" without JavaScript: the page comes back with every
    # invoice open.
    return render_statement(request, CHARGES, form, show_all=request.GET.get("all") == "1")


@with_period(PAYMENTS)
def payments(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    return render_statement(request, PAYMENTS, form)


settlements_pdf = statement_download(SETTLEMENTS, pdf.settlements_statement_pdf, "pdf")
settlements_xlsx = statement_download(SETTLEMENTS, xlsx.settlements_statement_xlsx, "xlsx")
charges_pdf = statement_download(CHARGES, pdf.charges_statement_pdf, "pdf")
charges_xlsx = statement_download(CHARGES, xlsx.charges_statement_xlsx, "xlsx")
payments_xlsx = statement_download(PAYMENTS, xlsx.payments_statement_xlsx, "xlsx")


@require_safe
@customer_required(Action.LEDGER)
def invoice(request: HttpRequest, invoice_id: int) -> HttpResponse:
    item = ledger.charged_invoice(contract=request.contract, invoice_id=invoice_id)
    if item is None:
        raise Http404("Нет такого начисления")
    return render(request, "settlements/invoice.html", {"tab": "charges", "item": item})
