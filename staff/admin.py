"""Staff see their own second factor; a superuser resets anyone's (the app
and the recovery codes are deleted, their sessions end, and the next
sign-in enrols a new app). Keys and recovery codes are never shown here:
django-otp's own device admins, which show them, are taken off."""

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import SecurityEvent
from security.services import security_record
from staff.models import SecondFactor
from staff.second_factor import second_factor_reset

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(SecondFactor)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ["member", "enrolled_at", "used_at", "recovery_codes_left"]
    fields = list_display
    readonly_fields = list_display
    search_fields = ["user__username", "user__email"]
    actions = ["reset"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = (
            super()
            .get_queryset(request)
            .filter(confirmed=True)
            .select_related("user")
            .annotate(codes_left=Count("user__staticdevice__token_set"))
        )
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    @admin.display(description="сотрудник", ordering="user__username")
    def member(self, obj: SecondFactor) -> str:
        return obj.user.get_username()

    @admin.display(description="приложение подключено", ordering="created_at")
    def enrolled_at(self, obj: SecondFactor) -> object:
        return obj.created_at

    @admin.display(description="последний вход с кодом из приложения", ordering="last_used_at")
    def used_at(self, obj: SecondFactor) -> object:
        return obj.last_used_at

    @admin.display(description="осталось кодов восстановления")
    def recovery_codes_left(self, obj: SecondFactor) -> int:
        return obj.codes_left

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: SecondFactor | None = None) -> bool:
        return self.admin_site.has_permission(request) and (
            request.user.is_superuser or obj is None or obj.user_id == request.user.pk
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an app is added at the sign-in, by its owner

    def has_change_permission(self, request: HttpRequest, obj: SecondFactor | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SecondFactor | None = None) -> bool:
        return request.user.is_superuser

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Сбросить второй фактор", permissions=["delete"])
    def reset(self, request: HttpRequest, queryset: QuerySet) -> None:
        users = {device.user for device in queryset}
        for user in users:
            self._reset(request, user)
        names = ", ".join(sorted(user.get_username() for user in users))
        self.message_user(
            request,
            f"Второй фактор сброшен: {names}. При следующем входе подключат приложение заново.",
            messages.SUCCESS,
        )

    def delete_model(self, request: HttpRequest, obj: SecondFactor) -> None:
        self._reset(request, obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user in {device.user for device in queryset}:
            self._reset(request, user)

    def _reset(self, request: HttpRequest, user: object) -> None:
        # One's own reset keeps the page's session (it is no longer verified and goes to the sign-in).
        keep = request.session.session_key if user == request.user else None
        second_factor_reset(user=user, keep_session=keep)
        security_record(
            SecurityEvent.Kind.SECOND_FACTOR_RESET,
            user=user,
            request=request,
            details=f"сотрудник {request.user.get_username()}",
        )
