from django.contrib import admin
from django.http import HttpRequest

from security.models import SecurityEvent
from security.services import browser_label


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log: searched and read, never changed or deleted here
    (entries leave after SECURITY_LOG_DAYS, security.services.security_log_prune)."""

    list_display = ["at", "kind", "user", "contract", "identifier", "ip", "browser"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["identifier", "ip", "user__username", "user__email", "contract__number", "details"]
    date_hierarchy = "at"
    list_select_related = ["user", "contract"]
    readonly_fields = [field.name for field in SecurityEvent._meta.fields]
    show_full_result_count = False

    @admin.display(description="браузер")
    def browser(self, obj: SecurityEvent) -> str:
        return browser_label(obj.user_agent)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SecurityEvent | None = None) -> bool:
        return False
