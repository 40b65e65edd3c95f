"""«Счёт на оплату»: the customer makes one for the debt or a sum of their
own and downloads it as a PDF with the payment QR code. The УПД of each
final invoice, one by one or as a ZIP for a period of "Начисления"."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.decorators import customer_required
from accounts.journal import origin_of
from accounts.roles import Action
from enser_cabinet.formatting import format_number
from enser_cabinet.ratelimit import limit, ratelimit
from paydocs.clientbank import Party, payment_order
from paydocs.forms import CustomerBankForm, PaymentInvoiceForm
from paydocs.models import CustomerBankAccount, PaymentInvoice, SupplierBankAccount
from paydocs.services import customer_bank_account_save, payment_invoice_issue, payment_invoice_kept
from paydocs.upd import FINAL, ZIP_MOST, upd_filename, upd_kept, upd_zip
from settlements import ledger
from settlements.downloads import PDF, attachment_response, transliterate
from settlements.forms import PeriodForm
from settlements.views import CHARGES, render_tab, with_period

RECENT = 20


@customer_required(Action.PAYMENT_DOCUMENTS)
@ratelimit(key="user", rate=limit("statements"), method="POST", block=True)
def invoice_new(request: HttpRequest) -> HttpResponse:
    contract = request.contract
    bank = SupplierBankAccount.current()
    if request.method == "POST":
        form = PaymentInvoiceForm(request.POST)
        if form.is_valid() and bank is not None:
            invoice = payment_invoice_issue(
                contract=contract,
                user=request.user,
                amount=form.cleaned_data["amount"],
                bank=bank,
                purpose=form.cleaned_data["purpose"],
            )
            return redirect("paydocs:invoice-pdf", payment_invoice_id=invoice.pk)
    else:
        balance = ledger.contract_balance(contract=contract)
        initial = {"amount": format_number(balance.amount, group=" ")} if balance.is_debt else {}
        form = PaymentInvoiceForm(initial=initial)
    invoices = list(
        contract.payment_invoices.select_related("paid_by").order_by("-issued_at", "-pk")[:RECENT]
    )
    status = 400 if form.errors else 503 if bank is None and request.method == "POST" else 200
    return render(
        request,
        "paydocs/invoice_new.html",
        {"form": form, "bank": bank, "invoices": invoices, "tab": "payments"},
        status=status,
    )


def _own_invoice(request: HttpRequest, payment_invoice_id: int) -> PaymentInvoice:
    return get_object_or_404(
        PaymentInvoice.objects.select_related("contract__organization"),
        pk=payment_invoice_id,
        contract=request.contract,
    )


@require_safe
@customer_required(Action.STATEMENTS)
def invoice_pdf(request: HttpRequest, payment_invoice_id: int) -> HttpResponse:
    invoice = _own_invoice(request, payment_invoice_id)
    filename = transliterate(f"schet-na-oplatu-{invoice.number}-{invoice.contract.number}.pdf")
    return attachment_response(payment_invoice_kept(invoice), filename=filename, content_type=PDF)


@require_safe
@customer_required(Action.STATEMENTS)
@ratelimit(key="user_or_ip", rate=limit("statements"), group="paydocs:documents", block=True)
def upd(request: HttpRequest, invoice_id: int) -> HttpResponse:
    item = ledger.charged_invoice(contract=request.contract, invoice_id=invoice_id)
    if item is None or item.invoice.operation_type != FINAL:
        raise Http404("Нет такого начисления")
    return attachment_response(upd_kept(item), filename=upd_filename(item), content_type=PDF)


@with_period(CHARGES, Action.STATEMENTS)
@ratelimit(key="user_or_ip", rate=limit("statements"), group="paydocs:documents", block=True)
def upd_archive(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    statement = ledger.charges_statement(contract=request.contract, period=form.period)
    items = [item for item in statement.invoices if item.invoice.operation_type == FINAL]
    if len(items) > ZIP_MOST:
        form.add_error(
            "end", f"В одном архиве не более {ZIP_MOST} УПД: выберите период покороче, например год."
        )
        return render_tab(request, CHARGES, {"form": form, "statement": statement}, status=400)
    if not items:
        raise Http404("За период нет окончательных начислений")
    period = form.period
    filename = transliterate(
        f"upd-{request.contract.number}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.zip"
    )
    return attachment_response(upd_zip(items), filename=filename, content_type="application/zip")


@require_safe
@customer_required(Action.STATEMENTS)
def invoice_1c(request: HttpRequest, payment_invoice_id: int) -> HttpResponse:
    """«Скачать платёжное поручение (1С)»: the invoice as a payment order for
    the customer's bank client, paid from the account on "Реквизиты и контакты"."""
    invoice = _own_invoice(request, payment_invoice_id)
    organization = invoice.contract.organization
    own = CustomerBankAccount.objects.filter(organization=organization).first()
    if own is None:
        messages.info(
            request, "Чтобы скачать платёжное поручение, укажите расчетный счет и БИК вашего банка."
        )
        return redirect("paydocs:bank")
    company = settings.COMPANY
    content = payment_order(
        payer=Party(
            name=organization.name,
            inn=organization.inn,
            kpp=organization.kpp,
            account=own.account,
            bank_name="",
            bik=own.bik,
            correspondent_account="",
        ),
        payee=Party(
            name=company["full_name"],
            inn=company["inn"],
            kpp=company["kpp"],
            account=invoice.account,
            bank_name=invoice.bank_name,
            bik=invoice.bik,
            correspondent_account=invoice.correspondent_account,
        ),
        amount=invoice.amount,
        purpose=invoice.purpose,
        made_at=timezone.localtime(),
        sender=f"Личный кабинет {company['name']}",
    )
    filename = f"platezhnoe-poruchenie-{invoice.number}.txt"
    return attachment_response(content, filename=filename, content_type="text/plain; charset=windows-1251")


@customer_required(Action.PAYMENT_DOCUMENTS)
def bank(request: HttpRequest) -> HttpResponse:
    """ "Расчетный счет" and "БИК банка" of the customer's organization."""
    organization = request.contract.organization
    own = CustomerBankAccount.objects.filter(organization=organization).first()
    if request.method == "POST":
        form = CustomerBankForm(request.POST)
        if form.is_valid():
            customer_bank_account_save(
                contract=request.contract,
                account=form.cleaned_data["account"],
                bik=form.cleaned_data["bik"],
                user=request.user,
                origin=origin_of(request),
            )
            messages.success(request, "Расчетный счет сохранен.")
            return redirect("accounts:requisites")
    else:
        form = CustomerBankForm(initial={"account": own.account, "bik": own.bik} if own else None)
    return render(
        request, "paydocs/bank.html", {"form": form, "tab": "requisites"}, status=400 if form.errors else 200
    )
