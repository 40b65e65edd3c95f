"""The admin site of the cabinet: Django's own, asking for the second factor.

StaffAdminConfig makes it `admin.site`, so every app's `@admin.register`
lands here. A staff member reaches a page only when signed in with a code
from their authenticator app (django-otp's OTPMiddleware says so through
`request.user.is_verified()`).
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from staff import views


class StaffAdminSite(admin.AdminSite):
    site_header = "АО «ЭнСер»: личный кабинет юридического лица"
    site_title = "АО «ЭнСер»"
    index_title = "Администрирование"

    def has_permission(self, request: HttpRequest) -> bool:
        # Without OTPMiddleware there is no is_verified(): nobody gets in.
        is_verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and callable(is_verified) and is_verified()

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Before Django's, which end with a catch-all.
        return [
            path("login/code/", self.sign_in_code, name="login-code"),
            path("login/enrol/", self.sign_in_enrol, name="login-enrol"),
            path(
                "login/recovery-codes/",
                self.admin_view(self.recovery_codes),
                name="login-recovery-codes",
            ),
            *super().get_urls(),
        ]

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return views.sign_in(request, site=self)

    def sign_in_code(self, request: HttpRequest) -> HttpResponse:
        return views.sign_in_code(request, site=self)

    def sign_in_enrol(self, request: HttpRequest) -> HttpResponse:
        return views.sign_in_enrol(request, site=self)

    def recovery_codes(self, request: HttpRequest) -> HttpResponse:
        return views.recovery_codes(request, site=self)
