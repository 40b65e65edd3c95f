from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ContactPerson, Contract, Organization, User


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["number", "signed_on", "service", "registered_at", "registration_method"]
    readonly_fields = ["registered_at", "registration_method"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "inn", "kpp", "legal_address"]
    search_fields = ["name", "inn", "contracts__number"]
    inlines = [ContractInline]


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "organization",
        "signed_on",
        "is_registered",
        "registered_at",
        "registration_method",
    ]
    list_filter = [("registered_at", admin.EmptyFieldListFilter), "registration_method"]
    search_fields = ["number", "organization__inn", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["registered_at", "registration_method"]
    inlines = [ContactPersonInline]

    @admin.display(boolean=True, description="зарегистрирован")
    def is_registered(self, obj: Contract) -> bool:
        return obj.is_registered


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "contract", "email", "phone", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "email", "contract__number", "contract__organization__inn"]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Потребитель", {"fields": ["contract", "phone"]}))
