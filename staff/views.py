"""The admin sign-in in its steps: the user name and password, then a
code from the authenticator app (or a recovery code), or, for a staff
member without an app yet, its enrolment with a QR code; ten recovery codes
shown once after it.

Nobody is signed in until the second step: the password only leaves a
pending sign-in in the session, for PENDING_SECONDS, bound to the password
it was made with. Each step is limited (settings.RATE_LIMITS): the password
per address and per user name, the code per staff member.
"""

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.models import Device

from accounts.models import User
from enser_cabinet.ratelimit import limit, ratelimit
from enser_cabinet.views import wait_text
from security.models import SecurityEvent
from security.services import security_record
from staff.forms import CodeForm, EnrolForm
from staff.second_factor import (
    RECOVERY_CODES,
    enrolment_confirm,
    enrolment_key_new,
    enrolment_qr_svg,
    enrolment_secret,
    locked_seconds,
    second_factor_enrolled,
    second_factor_verify,
)
from staff.sessions import staff_session_begin

Kind = SecurityEvent.Kind
PENDING_SESSION_KEY = "staff_sign_in"
RECOVERY_SESSION_KEY = "staff_recovery_codes"
# How long the second step waits for its code after the password (enrolment
# included: installing an app takes a few minutes).
PENDING_SECONDS = 10 * 60
WRONG_CODE = "Неверный код. Введите код, который приложение показывает сейчас, или код восстановления."
WRONG_ENROL_CODE = (
    "Неверный код. Проверьте, что время на телефоне верное, и введите код, "
    "который приложение показывает сейчас."
)


def username_key(group: str, request: HttpRequest) -> str:
    """The limit per user name counts what was typed, in any letter case."""
    return request.POST.get("username", "").strip().casefold()[:150]


def pending_user_key(group: str, request: HttpRequest) -> str:
    """The limit on codes counts per staff member whose password was right."""
    pending = request.session.get(PENDING_SESSION_KEY)
    return str(pending.get("user", "")) if isinstance(pending, dict) else ""


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _pending(request: HttpRequest) -> tuple[User, dict] | None:
    """The staff member whose password was right in this session, while it
    is fresh and their password unchanged."""
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True, is_staff=True).first()
    fresh = timezone.now().timestamp() - data.get("at", 0) < PENDING_SECONDS
    same_password = user is not None and constant_time_compare(
        user.get_session_auth_hash(), data.get("hash", "")
    )
    if not (fresh and same_password):
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return user, data


def _context(request: HttpRequest, site: AdminSite, **extra: object) -> dict:
    request.current_app = site.name
    return {**site.each_context(request), "app_path": request.get_full_path(), **extra}


def _sign_in_complete(request: HttpRequest, user: User, data: dict, device: Device) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, user, backend=data["backend"])
    otp_login(request, device)
    staff_session_begin(request.session)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@ratelimit(group="staff.sign-in-ip", key="ip", rate=limit("admin_sign_in_ip"), method="POST")
@ratelimit(group="staff.sign-in-user", key=username_key, rate=limit("admin_sign_in_user"), method="POST")
def sign_in(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Step 1: the user name and password (Django admin's own form and page)."""
    if request.method == "GET" and site.has_permission(request):
        return redirect("admin:index")
    next_url = _next_url(request)
    form = AdminAuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        # A new session id for the new privilege, as login() gives one.
        request.session.cycle_key()
        request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "hash": user.get_session_auth_hash(),
            "at": timezone.now().timestamp(),
            "next": next_url,
        }
        return redirect("admin:login-code" if second_factor_enrolled(user=user) else "admin:login-enrol")
    context = _context(
        request,
        site,
        title="Вход",
        form=form,
        username=request.user.get_username(),
        next=next_url or reverse("admin:index"),
    )
    return render(request, "admin/login.html", context, status=400 if form.errors else 200)


@csrf_protect
@never_cache
@ratelimit(group="staff.code", key=pending_user_key, rate=limit("admin_code_user"), method="POST")
def sign_in_code(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Step 2: "Код из приложения", or a recovery code."""
    pending = _pending(request)
    if pending is None:
        return redirect("admin:login")
    user, data = pending
    if not second_factor_enrolled(user=user):
        return redirect("admin:login-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_verify(user=user, code=form.cleaned_data["code"])
        if result.ok:
            _sign_in_complete(request, user, data, result.device)
            if result.recovery_codes_left is not None:
                security_record(Kind.SECOND_FACTOR_RECOVERY, user=user, request=request)
                messages.warning(
                    request,
                    f"Вы вошли по коду восстановления: он больше не действует. "
                    f"Осталось кодов: {result.recovery_codes_left} из {RECOVERY_CODES}.",
                )
            return redirect(data.get("next") or "admin:index")
        security_record(Kind.SECOND_FACTOR_FAILED, user=user, request=request)
        if result.locked_until is not None:
            wait = wait_text(locked_seconds(until=result.locked_until))
            form.add_error("code", f"Слишком много неверных кодов подряд. Попробуйте снова через {wait}.")
        else:
            form.add_error("code", WRONG_CODE)
    context = _context(request, site, title="Код из приложения", form=form, username=user.get_username())
    return render(request, "admin/staff/login_code.html", context, status=400 if form.errors else 200)


@csrf_protect
@never_cache
@ratelimit(group="staff.code", key=pending_user_key, rate=limit("admin_code_user"), method="POST")
def sign_in_enrol(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """Step 2 for a staff member without an app: the QR code and the key as
    text, and a code from the app to confirm it."""
    pending = _pending(request)
    if pending is None:
        return redirect("admin:login")
    user, data = pending
    if second_factor_enrolled(user=user):
        return redirect("admin:login-code")
    if not data.get("key"):
        data["key"] = enrolment_key_new()
        request.session[PENDING_SESSION_KEY] = data
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = enrolment_confirm(user=user, key=data["key"], code=form.cleaned_data["code"])
        if enrolment is not None:
            _sign_in_complete(request, user, data, enrolment.device)
            security_record(Kind.SECOND_FACTOR_ENROLLED, user=user, request=request)
            request.session[RECOVERY_SESSION_KEY] = {
                "codes": enrolment.recovery_codes,
                "next": data.get("next", ""),
            }
            return redirect("admin:login-recovery-codes")
        if second_factor_enrolled(user=user):
            return redirect("admin:login-code")
        form.add_error("code", WRONG_ENROL_CODE)
    context = _context(
        request,
        site,
        title="Подключение приложения для входа",
        form=form,
        username=user.get_username(),
        qr_svg=enrolment_qr_svg(user=user, key=data["key"]),
        secret=enrolment_secret(key=data["key"]),
    )
    return render(request, "admin/staff/login_enrol.html", context, status=400 if form.errors else 200)


def recovery_codes(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """The ten recovery codes, once, right after the enrolment (site.admin_view
    wraps it: the member is signed in by then)."""
    shown = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not isinstance(shown, dict) or not shown.get("codes"):
        return redirect("admin:index")
    context = _context(
        request,
        site,
        title="Сохраните коды восстановления",
        codes=shown["codes"],
        next=shown.get("next") or reverse("admin:index"),
    )
    return render(request, "admin/staff/recovery_codes.html", context)
