from django.contrib import admin
from django.http import HttpRequest

from paydocs.models import CustomerBankAccount, PaymentInvoice, SupplierBankAccount


@admin.register(SupplierBankAccount)
class SupplierBankAccountAdmin(admin.ModelAdmin):
    list_display = ["bank_name", "bik", "account", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(PaymentInvoice)
class PaymentInvoiceAdmin(admin.ModelAdmin):
    """What customers issued: a record, not for editing."""

    list_display = ["__str__", "contract", "issued_at", "amount", "issued_by", "paid_by"]
    list_select_related = ["contract", "issued_by", "paid_by"]
    list_filter = [("paid_by", admin.EmptyFieldListFilter)]
    search_fields = ["contract__number", "=id"]
    readonly_fields = [field.name for field in PaymentInvoice._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PaymentInvoice | None = None) -> bool:
        return False


@admin.register(CustomerBankAccount)
class CustomerBankAccountAdmin(admin.ModelAdmin):
    """What customers typed as their own account: theirs to change, in the cabinet."""

    list_display = ["organization", "account", "bik", "updated_at", "updated_by"]
    list_select_related = ["organization", "updated_by"]
    search_fields = ["organization__inn", "organization__name", "account"]
    readonly_fields = ["organization", "account", "bik", "updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
