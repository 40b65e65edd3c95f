from django.contrib import admin, messages
from django.http import HttpRequest

from notices.models import Announcement, Notification
from notices.services import announcement_send


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was told to whom, per contract: read-only."""

    list_display = ["created_at", "contract", "person", "event", "title", "read_at", "emailed", "texted"]
    list_filter = ["event", "emailed", "texted"]
    search_fields = ["contract__number", "person__email", "person__username", "title"]
    list_select_related = ["contract", "person"]
    date_hierarchy = "created_at"
    fields = [
        "contract", "person", "event", "title", "body", "url", "created_at", "read_at",
        "in_app", "emailed", "texted", "digest_pending", "key",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """«Объявление»: text and a street; sent once, when saved."""

    list_display = ["created_at", "title", "street", "contracts", "notifications", "created_by"]
    search_fields = ["title", "street"]
    fields = ["title", "text", "street"]

    def get_readonly_fields(self, request: HttpRequest, obj: Announcement | None = None) -> list[str]:
        if obj is not None:  # sent already: kept as it went out
            return ["title", "text", "street", "created_at", "created_by", "contracts", "notifications"]
        return []

    def get_fields(self, request: HttpRequest, obj: Announcement | None = None) -> list[str]:
        return self.get_readonly_fields(request, obj) or self.fields

    def save_model(self, request: HttpRequest, obj: Announcement, form, change: bool) -> None:
        if change:
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        made = announcement_send(announcement=obj)
        self.message_user(
            request,
            f"Объявление отправлено: договоров — {obj.contracts}, уведомлений — {made}.",
            messages.SUCCESS if obj.contracts else messages.WARNING,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Announcement | None = None) -> bool:
        return False
