from django import template

from accounts.models import Organization
from paydocs.models import CustomerBankAccount, PaymentInvoice, SupplierBankAccount
from paydocs.upd import FINAL
from settlements.models import Invoice

register = template.Library()


@register.inclusion_tag("paydocs/_bank_requisites.html")
def bank_requisites(organization: Organization) -> dict:
    """The customer's account and the company's, on "Реквизиты и контакты"."""
    return {
        "own": CustomerBankAccount.objects.filter(organization=organization).first(),
        "supplier": SupplierBankAccount.current(),
    }


@register.filter
def has_upd(invoice: Invoice) -> bool:
    """A final invoice has its УПД (paydocs/upd.py)."""
    return invoice.operation_type == FINAL


@register.inclusion_tag("paydocs/_issued_invoices.html")
def issued_invoices(statement) -> dict:
    """The «Счета на оплату» issued in the period of the "Оплаты" tab, each
    with its state: paid by which payment, or not yet. Drawn into the tab's
    cached panel: an issued or paid invoice raises the contract's
    data_version (paydocs migration 0003)."""
    period = statement.period
    invoices = (
        PaymentInvoice.objects.filter(
            contract=statement.contract,
            # The day of issue in the cabinet's time zone.
            issued_at__date__range=(period.start, period.end),
        )
        .select_related("paid_by")
        .order_by("issued_at", "pk")
    )
    return {"invoices": list(invoices), "period": period}
