from django.contrib import admin

from settlements.models import Invoice, InvoiceLine, Payment


class AppendOnlyAdmin(admin.ModelAdmin):
    """Financial records come from billing and are corrected by new entries."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(AppendOnlyAdmin):
    list_display = ["number", "date", "contract", "operation_type", "amount", "vat_amount"]
    list_filter = ["operation_type", ("date", admin.DateFieldListFilter)]
    search_fields = [
        "number",
        "contract__number",
        "contract__organization__inn",
        "contract__organization__name",
    ]
    date_hierarchy = "date"
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]
    inlines = [InvoiceLineInline]


@admin.register(Payment)
class PaymentAdmin(AppendOnlyAdmin):
    list_display = ["date", "contract", "amount", "operation_type", "document_number"]
    list_filter = ["operation_type", ("date", admin.DateFieldListFilter)]
    search_fields = [
        "document_number",
        "purpose",
        "contract__number",
        "contract__organization__inn",
        "contract__organization__name",
    ]
    date_hierarchy = "date"
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]
