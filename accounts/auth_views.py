"""Registration after the first sign-in by INN, password recovery and change.

Every step is a server-rendered form: a button's `action` value says what
to do, so the pages work without JavaScript.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.codes import CodeError, code_check
from accounts.customers import CONTRACT_SESSION_KEY
from accounts.decorators import customer_required
from accounts.devices import device_cookie_set
from accounts.disputes import DisputeLinkInvalid, dispute_request, registration_dispute
from accounts.forms import (
    CodeForm,
    PasswordChangeForm,
    PasswordResetMethodForm,
    PasswordResetStartForm,
    PhoneForm,
    RegistrationForm,
    SetPasswordForm,
    password_note,
)
from accounts.journal import origin_of
from accounts.masking import mask_email, mask_phone
from accounts.models import ActionRecord, Contract, RegistrationRequest, User
from accounts.passwords import (
    ResetProgress,
    password_reset_code_request,
    password_reset_code_user,
    password_reset_code_verify,
    password_reset_link_user,
    password_reset_request,
    password_set,
)
from accounts.ratelimits import SMS_IP_LIMITS, identifier_key, sms_limits_check, sms_limits_count
from accounts.registration import (
    ALREADY_REGISTERED,
    LinkInvalid,
    RegistrationError,
    RegistrationPending,
    registration_attempt_notify,
    registration_code_confirmed,
    registration_code_resend,
    registration_draft,
    registration_draft_initial,
    registration_email_confirm,
    registration_email_pending,
    registration_email_start,
    registration_request_pending,
    registration_sms_complete,
    registration_sms_start,
    registration_user,
)
from accounts.roles import Action
from accounts.signals import security_event_send
from accounts.sms import SmsDeliveryError, sms_backend
from accounts.views import REGISTRATION_SESSION_KEY
from enser_cabinet.ratelimit import RateLimited, limit, limits_check, limits_count, ratelimit, typed

REQUEST_SESSION_KEY = "registration_request_id"
# The request this browser made, which it alone may replace.
OWN_REQUEST_SESSION_KEY = "registration_own_request_id"
CODE_SESSION_KEY = "registration_code_id"
# What was typed before "Изменить данные регистрации", never the passwords.
DRAFT_SESSION_KEY = "registration_draft"
RESET_SESSION_KEY = "password_reset"
RESET_USER_SESSION_KEY = "password_reset_user"
CODE_SENT = "Код подтверждения отправлен на номер {phone}."
RESET_CODE_SENT = (
    "Если договор зарегистрирован в личном кабинете, код подтверждения отправлен "
    "на номер телефона, указанный в нем."
)


def _not_me_link_for(request: HttpRequest) -> Callable[[str], str]:
    return lambda token: request.build_absolute_uri(reverse("accounts:register-not-me", args=[token]))


def _sign_in_registered(request: HttpRequest, user: User) -> HttpResponse:
    """Signs in the browser that completed the registration, which from now on
    is a known browser of the account (its device cookie), and goes home."""
    security_event_send("registration", user=user, contract=user.contract, request=request)
    login(request, user, backend="accounts.backends.ContractPasswordBackend")
    request.session[CONTRACT_SESSION_KEY] = user.contract_id
    for key in (
        REGISTRATION_SESSION_KEY,
        REQUEST_SESSION_KEY,
        OWN_REQUEST_SESSION_KEY,
        CODE_SESSION_KEY,
        DRAFT_SESSION_KEY,
    ):
        request.session.pop(key, None)
    # As after a sign-in without "Запомнить данные".
    request.session.set_expiry(0)
    messages.success(request, "Регистрация завершена. Дальше входите по номеру договора и новому паролю.")
    response = redirect("cabinet:home")
    device_cookie_set(request, response, account_key=identifier_key(user.contract.number))
    return response


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@ratelimit(key="ip", rate=limit("registration_ip"), method="POST", block=True)
def register(request: HttpRequest) -> HttpResponse:
    contract_id = request.session.get(REGISTRATION_SESSION_KEY)
    contract = Contract.objects.select_related("organization").filter(pk=contract_id).first()
    if contract is None:
        return redirect("accounts:login")
    if contract.is_registered:
        request.session.pop(REGISTRATION_SESSION_KEY, None)
        return render(request, "accounts/register_refused.html", {"message": ALREADY_REGISTERED}, status=409)
    pending = registration_request_pending(
        request_id=request.session.get(REQUEST_SESSION_KEY), contract_id=contract.pk
    )
    if pending is not None:
        return _register_sms_step(request, pending)

    form = RegistrationForm(
        request.POST or None,
        contract=contract,
        user=registration_user(contract=contract),
        initial=registration_draft_initial(draft=request.session.get(DRAFT_SESSION_KEY), contract=contract),
    )
    code_limits = _activation_code_limits(contract) if request.method == "POST" else []
    # Guesses at the activation code: refused before the code is even compared.
    limits_check(request, code_limits)
    valid = request.method == "POST" and form.is_valid()
    if "activation_code" in form.errors:
        limits_count(request, code_limits)
    if valid:
        data = form.cleaned_data
        by_sms = request.POST.get("action") == "send-sms" or data["method"] == "sms"
        fields = {
            "contract": contract,
            "email": data["email"],
            "phone": data["phone"],
            "own_request_id": request.session.get(OWN_REQUEST_SESSION_KEY),
            "activation_code": form.activation_code,
        }
        try:
            if by_sms:
                sms_limits_check(request, phone=data["phone"])
                pending, code = registration_sms_start(**fields, password=data["new_password1"])
                sms_limits_count(request, phone=data["phone"])
                request.session[OWN_REQUEST_SESSION_KEY] = pending.pk
                request.session[REQUEST_SESSION_KEY] = pending.pk
                request.session[CODE_SESSION_KEY] = code.pk
                messages.success(request, CODE_SENT.format(phone=mask_phone(pending.phone)))
                return redirect("accounts:register")
            pending = registration_email_start(
                **fields,
                password=data["new_password1"],
                link_for=lambda token: request.build_absolute_uri(
                    reverse("accounts:register-confirm", args=[token])
                ),
            )
            request.session[OWN_REQUEST_SESSION_KEY] = pending.pk
            return render(
                request,
                "accounts/register_email_sent.html",
                {
                    "contract": contract,
                    "masked_email": mask_email(data["email"]),
                    "hours": settings.CONFIRMATION_LINK_HOURS,
                },
            )
        except RegistrationPending as error:
            _attempt_notice(request, error.pending)
            return render(request, "accounts/register_refused.html", {"message": str(error)}, status=409)
        except RegistrationError as error:
            return render(request, "accounts/register_refused.html", {"message": str(error)}, status=409)
        except (CodeError, SmsDeliveryError) as error:
            form.add_error(None, str(error))
        # No code could be sent: the page comes back with everything typed, passwords too.
        form.keep_passwords()
    return render(
        request,
        "accounts/register.html",
        {"form": form, "contract": contract, "password_note": password_note()},
        status=400 if form.errors else 200,
    )


def _activation_code_limits(contract: Contract) -> list:
    """Wrong activation codes per contract, when registration asks for one."""
    if not settings.REGISTRATION_REQUIRES_CODE:
        return []
    return [("accounts.activation-code", typed(contract.number), "activation_code")]


def _attempt_notice(request: HttpRequest, pending: RegistrationRequest) -> None:
    """Tells the pending request's owner of another attempt, a few times a
    day at most, so that nobody can use the refusal to flood their mailbox."""
    limits = [("accounts.registration-notice", typed(f"request:{pending.pk}"), "registration_notice")]
    try:
        limits_check(request, limits)
    except RateLimited:
        return
    registration_attempt_notify(pending=pending)
    limits_count(request, limits)


def _register_sms_step(request: HttpRequest, pending: RegistrationRequest) -> HttpResponse:
    """ "Отправить смс", "Код подтверждения" with "ОК", "Подтверждено", "Сохранить"."""
    code_id = request.session.get(CODE_SESSION_KEY)
    phone_form = PhoneForm(initial={"phone": pending.phone})
    code_form = CodeForm()
    step_error = ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "change":
        for key in (REQUEST_SESSION_KEY, CODE_SESSION_KEY):
            request.session.pop(key, None)
        request.session[DRAFT_SESSION_KEY] = registration_draft(request=pending)
        return redirect("accounts:register")
    if action == "send-sms":
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            phone = phone_form.cleaned_data["phone"]
            sms_limits_check(request, phone=phone)
            try:
                code = registration_code_resend(request=pending, phone=phone)
            except (CodeError, SmsDeliveryError) as error:
                phone_form.add_error(None, str(error))
            else:
                sms_limits_count(request, phone=phone)
                request.session[CODE_SESSION_KEY] = code.pk
                messages.success(request, CODE_SENT.format(phone=mask_phone(phone)))
                return redirect("accounts:register")
    elif action == "confirm":
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            result = code_check(code_id=code_id, typed=code_form.cleaned_data["code"])
            if result.ok:
                return redirect("accounts:register")
            code_form.add_error("code", result.message)
    elif action == "save":
        try:
            user = registration_sms_complete(
                request=pending, code_id=code_id, announce_link_for=_not_me_link_for(request)
            )
        except RegistrationError as error:
            step_error = str(error)
        else:
            return _sign_in_registered(request, user)
    confirmed = registration_code_confirmed(request=pending, code_id=code_id)
    has_errors = bool(phone_form.errors or code_form.errors or step_error)
    return render(
        request,
        "accounts/register_sms.html",
        {
            "contract": pending.contract,
            "pending": pending,
            "phone_form": phone_form,
            "code_form": code_form,
            "confirmed": confirmed,
            "step_error": step_error,
        },
        status=400 if has_errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the registration e-mail. Opening it (GET) only shows the
    «Подтвердить» button: mail scanners open links before the person does,
    and must neither complete the registration nor take its session. The
    POST of the button registers and signs in the browser that sent it."""
    try:
        if request.method == "POST":
            user = registration_email_confirm(token=token, announce_link_for=_not_me_link_for(request))
        else:
            pending = registration_email_pending(token=token)
    except LinkInvalid:
        return render(request, "accounts/register_link_invalid.html", status=400)
    if request.method == "POST":
        return _sign_in_registered(request, user)
    return render(request, "accounts/register_confirm.html", {"contract": pending.contract})


@never_cache
@require_http_methods(["GET", "POST"])
def register_not_me(request: HttpRequest, token: str) -> HttpResponse:
    """«Это не я» from the announcement of a registration: the page names the
    contract and shows one button (a scanner's GET changes nothing); its
    POST suspends the account and alerts staff."""
    try:
        if request.method == "POST":
            contract, _ = registration_dispute(token=token)
            return render(request, "accounts/register_not_me_done.html", {"contract": contract})
        registration = dispute_request(token=token)
    except DisputeLinkInvalid:
        return render(request, "accounts/register_not_me_invalid.html", status=400)
    return render(
        request,
        "accounts/register_not_me.html",
        {"contract": registration.contract, "registration": registration},
    )


# "Забыли пароль?"


def _reset_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Recovery requests per address and per contract number (typed on the
    first step, kept in the session for the next)."""
    view = ratelimit(
        key="accounts.ratelimits.password_reset_contract_key",
        rate=limit("password_reset_contract"),
        method="POST",
        block=True,
    )(view)
    view = ratelimit(key="ip", rate=limit("password_reset_ip"), method="POST", block=True)(view)
    return never_cache(view)


@_reset_limited
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.pop(RESET_USER_SESSION_KEY, None)
        request.session[RESET_SESSION_KEY] = {"number": form.cleaned_data["contract_number"]}
        return redirect("accounts:password-reset-send")
    return render(request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200)


def _reset_progress(request: HttpRequest) -> ResetProgress | None:
    return ResetProgress.from_session(request.session.get(RESET_SESSION_KEY))


@_reset_limited
def password_reset_send(request: HttpRequest) -> HttpResponse:
    """Chooses where to send. The same page, the same answer and the same one
    job queued whatever the number or e-mail belongs to: this request never
    looks it up (accounts/passwords.py)."""
    progress = _reset_progress(request)
    if progress is None:
        return redirect("accounts:password-reset")
    form = PasswordResetMethodForm(request.POST or None, by_email=progress.by_email)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["method"] == "email":
                password_reset_request(
                    identifier=progress.number, method="email", base_url=_base_url(request)
                )
                return render(
                    request,
                    "accounts/password_reset_sent.html",
                    {"by_email": progress.by_email, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
                )
            return _reset_code_send(request, progress)
        except (CodeError, SmsDeliveryError) as error:
            form.add_error(None, str(error))
    return render(
        request,
        "accounts/password_reset_send.html",
        {"form": form, "number": progress.number, "by_email": progress.by_email},
        status=400 if form.errors else 200,
    )


def _base_url(request: HttpRequest) -> str:
    """Where the letter's link leads: this site, as the browser reached it."""
    return request.build_absolute_uri("/")


def _reset_code_send(request: HttpRequest, progress: ResetProgress) -> HttpResponse:
    """Raises CodeError (a wait), SmsDeliveryError (no SMS provider) or
    RateLimited (SMS per address): the same for any number typed."""
    if progress.by_email:
        raise CodeError("Для e-mail восстановление пароля возможно только по электронной почте.")
    sms_backend()

    def before_send() -> None:
        limits_check(request, SMS_IP_LIMITS)

    progress = password_reset_code_request(
        progress=progress, base_url=_base_url(request), before_send=before_send
    )
    limits_count(request, SMS_IP_LIMITS)
    request.session[RESET_SESSION_KEY] = progress.to_session()
    messages.success(request, RESET_CODE_SENT)
    return redirect("accounts:password-reset-code")


@never_cache
@ratelimit(key="ip", rate=limit("password_reset_ip"), method="POST", block=True)
def password_reset_code(request: HttpRequest) -> HttpResponse:
    progress = _reset_progress(request)
    if progress is None or not progress.code_requested:
        return redirect("accounts:password-reset")
    form = CodeForm()
    # Said above the form: the code field itself was not filled in wrong.
    step_error = ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "send-sms":
        try:
            return _reset_code_send(request, progress)
        except (CodeError, SmsDeliveryError) as error:
            step_error = str(error)
    elif action == "confirm":
        form = CodeForm(request.POST)
        if form.is_valid():
            result, progress = password_reset_code_verify(progress=progress, typed=form.cleaned_data["code"])
            request.session[RESET_SESSION_KEY] = progress.to_session()
            if result.ok:
                request.session[RESET_USER_SESSION_KEY] = {"code_id": progress.code_id}
                return redirect("accounts:password-reset-new")
            form.add_error("code", result.message)
    return render(
        request,
        "accounts/password_reset_code.html",
        {"form": form, "step_error": step_error},
        status=400 if form.errors or step_error else 200,
    )


@never_cache
def password_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the recovery e-mail. The token moves into the session and
    the browser goes on to a URL without it, so it leaks nowhere."""
    if password_reset_link_user(uidb64=uidb64, token=token) is None:
        return render(request, "accounts/password_reset_link_invalid.html", status=400)
    request.session[RESET_USER_SESSION_KEY] = {"uidb64": uidb64, "token": token}
    return redirect("accounts:password-reset-new")


def _reset_user(request: HttpRequest) -> User | None:
    proof = request.session.get(RESET_USER_SESSION_KEY) or {}
    if "token" in proof:
        return password_reset_link_user(uidb64=proof["uidb64"], token=proof["token"])
    if "code_id" in proof:
        return password_reset_code_user(code_id=proof["code_id"])
    return None


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def password_reset_new(request: HttpRequest) -> HttpResponse:
    user = _reset_user(request)
    if user is None:
        return render(request, "accounts/password_reset_link_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_set(
            user=user,
            password=form.cleaned_data["new_password1"],
            action=ActionRecord.Kind.PASSWORD_RESET,
            contract=user.contract,
            origin=origin_of(request),
        )
        for key in (RESET_SESSION_KEY, RESET_USER_SESSION_KEY):
            request.session.pop(key, None)
        messages.success(
            request,
            "Пароль изменен. Войдите с номером договора и новым паролем."
            if user.contract_id
            else "Пароль изменен. Войдите с e-mail и новым паролем.",
        )
        return redirect("accounts:login")
    return render(
        request,
        "accounts/password_reset_new.html",
        {"form": form, "contract": user.contract, "email": user.email, "password_note": password_note()},
        status=400 if form.errors else 200,
    )


# "Изменить пароль" on the "Реквизиты и контакты" tab.


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@customer_required(Action.PASSWORD_CHANGE)
@ratelimit(key="user", rate=limit("password_change_user"), method="POST", block=True)
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_set(
            user=request.user,
            password=form.cleaned_data["new_password1"],
            keep_session=request.session.session_key,
            action=ActionRecord.Kind.PASSWORD_CHANGED,
            contract=request.contract,
            origin=origin_of(request),
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "Пароль изменен. На других устройствах нужно войти заново.")
        return redirect("accounts:requisites")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "tab": "requisites", "password_note": password_note()},
        status=400 if form.errors else 200,
    )
