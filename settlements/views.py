"""The "Взаиморасчеты", "Начисления" and "Оплаты" tabs and their downloads.

Every address is the signed-in customer's own: no contract in the URL, and
an invoice is looked up among the contract's invoices only.
"""

from collections.abc import Callable
from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.decorators import customer_required
from settlements import ledger, pdf, xlsx
from settlements.downloads import PDF, XLSX, attachment_response, statement_filename
from settlements.forms import PeriodForm


def with_period(template: str, tab: str) -> Callable:
    """Reads the period from the query string; a bad one shows the tab's page
    with the message next to the field and status 400, for pages and
    downloads alike."""

    def decorate(view):
        @require_safe
        @never_cache
        @customer_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            form = PeriodForm(request.GET, today=timezone.localdate())
            if not form.is_valid():
                return render(request, template, {"tab": tab, "form": form}, status=400)
            return view(request, form, *args, **kwargs)

        return wrapper

    return decorate


def _download(content: bytes, *, statement, kind: str, extension: str):
    filename = statement_filename(
        kind=kind, contract_number=statement.contract.number, period=statement.period, extension=extension
    )
    return attachment_response(content, filename=filename, content_type=PDF if extension == "pdf" else XLSX)


SETTLEMENTS = "settlements/settlements.html"


@with_period(SETTLEMENTS, tab="settlements")
def settlements(request, form):
    statement = ledger.settlements_statement(contract=request.contract, period=form.period)
    return render(request, SETTLEMENTS, {"tab": "settlements", "form": form, "statement": statement})


@with_period(SETTLEMENTS, tab="settlements")
def settlements_pdf(request, form):
    statement = ledger.settlements_statement(contract=request.contract, period=form.period)
    content = pdf.settlements_statement_pdf(statement=statement)
    return _download(content, statement=statement, kind="vzaimoraschety", extension="pdf")


@with_period(SETTLEMENTS, tab="settlements")
def settlements_xlsx(request, form):
    statement = ledger.settlements_statement(contract=request.contract, period=form.period)
    content = xlsx.settlements_statement_xlsx(statement=statement)
    return _download(content, statement=statement, kind="vzaimoraschety", extension="xlsx")


CHARGES = "settlements/charges.html"


@with_period(CHARGES, tab="charges")
def charges(request, form):
    statement = ledger.charges_statement(contract=request.contract, period=form.period)
    # "Детализировать все" without JavaScript: the page comes back with every
    # invoice open.
    show_all = request.GET.get("all") == "1"
    return render(
        request, CHARGES, {"tab": "charges", "form": form, "statement": statement, "show_all": show_all}
    )


@with_period(CHARGES, tab="charges")
def charges_pdf(request, form):
    statement = ledger.charges_statement(contract=request.contract, period=form.period)
    content = pdf.charges_statement_pdf(statement=statement)
    return _download(content, statement=statement, kind="nachisleniya", extension="pdf")


@with_period(CHARGES, tab="charges")
def charges_xlsx(request, form):
    statement = ledger.charges_statement(contract=request.contract, period=form.period)
    content = xlsx.charges_statement_xlsx(statement=statement)
    return _download(content, statement=statement, kind="nachisleniya", extension="xlsx")


@require_safe
@never_cache
@customer_required
def invoice(request, invoice_id: int):
    item = ledger.charged_invoice(contract=request.contract, invoice_id=invoice_id)
    if item is None:
        raise Http404("Нет такого начисления")
    return render(request, "settlements/invoice.html", {"tab": "charges", "item": item})


PAYMENTS = "settlements/payments.html"


@with_period(PAYMENTS, tab="payments")
def payments(request, form):
    statement = ledger.payments_statement(contract=request.contract, period=form.period)
    return render(request, PAYMENTS, {"tab": "payments", "form": form, "statement": statement})


@with_period(PAYMENTS, tab="payments")
def payments_xlsx(request, form):
    statement = ledger.payments_statement(contract=request.contract, period=form.period)
    content = xlsx.payments_statement_xlsx(statement=statement)
    return _download(content, statement=statement, kind="oplaty", extension="xlsx")
