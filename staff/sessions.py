"""Staff sessions end STAFF_SESSION_MAX_AGE after the sign-in, whatever is
done, and after STAFF_SESSION_IDLE without a request; customers' sessions
are not touched.

The sign-in leaves two moments in the session (POSIX seconds, read from
django.utils.timezone.now): when it began and the last request. The
session's own expiry (its cookie and its database row) is set to the
absolute end, so a stolen cookie dies then even if this check never runs.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from enser_cabinet.views import wait_text

STAFF_SESSION_KEY = "staff_session"


def staff_session_begin(session: SessionBase) -> None:
    """Marks `session` as a staff session that starts now (called at the admin sign-in)."""
    now = timezone.now()
    session[STAFF_SESSION_KEY] = {"since": now.timestamp(), "seen": now.timestamp()}
    session.set_expiry(now + timedelta(seconds=settings.STAFF_SESSION_MAX_AGE))


def staff_session_ended(session: SessionBase) -> str | None:
    """Why the staff session has ended ("прошло 8 ч со входа"), or None
    while it lives; a live one is marked as seen now. A verified session
    without the marks (from before they existed) has ended too."""
    stamps = session.get(STAFF_SESSION_KEY)
    if not isinstance(stamps, dict):
        return "нужен вход с кодом из приложения" if DEVICE_ID_SESSION_KEY in session else None
    now = timezone.now().timestamp()
    if now - stamps.get("since", 0) >= settings.STAFF_SESSION_MAX_AGE:
        return f"прошло {wait_text(settings.STAFF_SESSION_MAX_AGE)} со входа"
    if now - stamps.get("seen", 0) >= settings.STAFF_SESSION_IDLE:
        return f"{wait_text(settings.STAFF_SESSION_IDLE)} без действий"
    session[STAFF_SESSION_KEY] = {**stamps, "seen": now}
    return None


class StaffSessionMiddleware:
    """Signs a staff member out when their session has ended and sends
    them to the admin sign-in with a message saying why. After
    MessageMiddleware and django-otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a request that carries a session can hold a staff one; the
        # others (the load balancer's probe, first visits) load nothing.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            reason = staff_session_ended(request.session)
            if reason is not None:
                return self._signed_out(request, reason)
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        messages.warning(request, f"Сеанс администрирования завершен: {reason}. Войдите снова.")
        login_url = reverse("admin:login")
        admin_root = reverse("admin:index")
        if request.method == "GET" and request.path.startswith(admin_root) and request.path != login_url:
            return redirect_to_login(request.get_full_path(), login_url)
        return HttpResponseRedirect(login_url)
