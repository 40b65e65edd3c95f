from django import template

from accounts.models import Organization
from paydocs.models import CustomerBankAccount, SupplierBankAccount
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
