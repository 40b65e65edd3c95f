from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from outbox.models import OutgoingMessage
from outbox.services import message_resend


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "to",
        "subject_or_name",
        "state",
        "attempts",
        "last_error_short",
        "sent_at",
    ]
    list_filter = ["state", "channel", "name"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "channel", "name", "to", "reply_to", "subject", "text", "state", "attempts",
        "last_error", "created_at", "next_attempt_at", "sent_at",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Тема")
    def subject_or_name(self, message: OutgoingMessage) -> str:
        return message.subject or message.name

    @admin.display(description="Последняя ошибка")
    def last_error_short(self, message: OutgoingMessage) -> str:
        return message.last_error[:120]

    @admin.display(description="Текст")
    def text(self, message: OutgoingMessage) -> str:
        if message.secret:
            return "Скрыт: сообщение содержит код или одноразовую ссылку."
        return message.body

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        return False

    @admin.action(description="Отправить ещё раз", permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> None:
        resent = sum(message_resend(message=message) for message in queryset)
        skipped = queryset.count() - resent
        if resent:
            self.message_user(request, f"Поставлено в очередь повторно: {resent}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Пропущено (не в состоянии «Не отправлено»): {skipped}.", messages.WARNING
            )
