"""«Счёт на оплату»: the customer makes one for the debt or a sum of their
own and downloads it as a PDF with the payment QR code."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from accounts.decorators import customer_required
from enser_cabinet.formatting import format_money
from enser_cabinet.ratelimit import limit, ratelimit
from paydocs.forms import PaymentInvoiceForm
from paydocs.models import PaymentInvoice, SupplierBankAccount
from paydocs.services import NoSupplierBank, payment_invoice_issue, payment_invoice_pdf
from settlements.downloads import PDF, attachment_response
from settlements.ledger import contract_balance

RECENT = 20


@customer_required
@ratelimit(key="user", rate=limit("statements"), method="POST", block=True)
def invoice_new(request: HttpRequest) -> HttpResponse:
    contract = request.contract
    bank = SupplierBankAccount.current()
    if request.method == "POST":
        form = PaymentInvoiceForm(request.POST)
        if form.is_valid() and bank is not None:
            try:
                invoice = payment_invoice_issue(
                    contract=contract,
                    user=request.user,
                    amount=form.cleaned_data["amount"],
                    purpose=form.cleaned_data["purpose"],
                )
            except NoSupplierBank:
                bank = None
            else:
                return redirect("paydocs:invoice-pdf", payment_invoice_id=invoice.pk)
    else:
        balance = contract_balance(contract=contract)
        initial = {"amount": format_money(balance.amount).replace("\u00a0", " ")} if balance.is_debt else {}
        form = PaymentInvoiceForm(initial=initial)
    invoices = list(contract.payment_invoices.order_by("-issued_at", "-pk")[:RECENT])
    status = 400 if form.errors else 503 if bank is None and request.method == "POST" else 200
    return render(
        request,
        "paydocs/invoice_new.html",
        {"form": form, "bank": bank, "invoices": invoices, "tab": "payments"},
        status=status,
    )


@require_safe
@customer_required
def invoice_pdf(request: HttpRequest, payment_invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(
        PaymentInvoice.objects.select_related("contract__organization"),
        pk=payment_invoice_id,
        contract=request.contract,
    )
    filename = f"schet-na-oplatu-{invoice.number}-{invoice.contract.number}.pdf"
    return attachment_response(payment_invoice_pdf(invoice), filename=filename, content_type=PDF)
