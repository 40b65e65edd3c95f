"""Registration of a contract in the cabinet and its undoing by staff.

The first sign-in by INN leads here. What the customer typed waits in a
RegistrationRequest until it is confirmed, by the e-mail link or by an SMS
code; only then do the contract and its user change, in one transaction,
and only if the contract is still unregistered.
"""

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from phonenumber_field.phonenumber import to_python

from accounts.activation import ActivationCodeError, activation_code_use
from accounts.codes import code_confirmed, code_send
from accounts.disputes import registration_announce
from accounts.models import ActivationCode, ConfirmationCode, Contract, Membership, RegistrationRequest, User
from accounts.roles import Role
from accounts.sessions import user_sessions_end
from accounts.sms import SmsDeliveryError
from accounts.validators import normalize_contract_number
from enser_cabinet.formatting import format_date
from outbox.services import email_queue, sms_queue


class RegistrationError(Exception):
    """Registration cannot go on; the text is for the customer."""


ALREADY_REGISTERED = (
    "Договор уже зарегистрирован в личном кабинете. Войдите по номеру договора и паролю "
    "или восстановите пароль по ссылке «Забыли пароль?»."
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.CONFIRMATION_LINK_HOURS)


def registration_user(*, contract: Contract) -> User:
    """The contract's user as the INN sign-in created it, or an unsaved one."""
    return User.objects.filter(contract=contract).first() or User(username=contract.number, contract=contract)


def registration_open_by_inn(*, contract_number: str, inn: str) -> Contract | None:
    """The first sign-in: the INN of an unregistered contract's organization
    opens that contract's registration (the contract is returned) and signs
    nobody in. A registered contract, another INN, or an account staff
    deactivated gets None. Nothing is written: the account is made when
    registration completes."""
    number = normalize_contract_number(contract_number)
    contract = (
        Contract.objects.select_related("organization").filter(number=number).first() if number else None
    )
    if contract is None or contract.is_registered:
        return None
    if "".join(inn.split()) != contract.organization.inn:
        return None
    if User.objects.filter(contract=contract, is_active=False).exists():
        return None
    return contract


def registration_code_confirmed(*, request: RegistrationRequest, code_id: int | None) -> bool:
    """Whether the SMS code `code_id` of this request was entered right ("Подтверждено")."""
    code = code_confirmed(code_id=code_id)
    return code is not None and code.registration_id == request.pk


def registration_draft(*, request: RegistrationRequest) -> dict:
    """What "Изменить данные регистрации" takes back to the form of a pending
    SMS request, for the session: what was typed, never the password."""
    return {
        "contract_id": request.contract_id,
        "email": request.email,
        "phone": str(request.phone),
        "method": "sms",
    }


def registration_draft_initial(*, draft: dict | None, contract: Contract) -> dict | None:
    """The form's initial values from a draft of this same contract."""
    if not draft or draft.get("contract_id") != contract.pk:
        return None
    return {key: value for key, value in draft.items() if key != "contract_id"}


class RegistrationPending(RegistrationError):
    """Another browser's request for the contract is still waiting for its
    confirmation: it is never replaced, since the INN that opened this
    registration is public and the first claimant may be the customer."""

    def __init__(self, pending: RegistrationRequest):
        self.pending = pending
        self.expires_at = pending.created_at + _link_lifetime()
        super().__init__(
            f"Регистрация договора {pending.contract.number} уже начата: ссылка или код подтверждения "
            "отправлены на адрес e-mail или телефон, указанные в заявке. Подать новую заявку можно "
            f"после {format_date(self.expires_at)}, когда истечет срок подтверждения. Если регистрацию "
            "начали не вы, обратитесь в АО «ЭнСер»."
        )


def registration_pending_other(
    *, contract: Contract, own_request_id: int | None, now: dt.datetime | None = None
) -> RegistrationRequest | None:
    """A live request of the contract that this browser did not make."""
    now = now or timezone.now()
    return (
        contract.registration_requests.select_related("contract")
        .filter(completed_at__isnull=True, created_at__gt=now - _link_lifetime())
        .exclude(pk=own_request_id or 0)
        .order_by("-created_at")
        .first()
    )


def _request_create(
    *,
    contract: Contract,
    method: str,
    email: str,
    phone: str,
    password: str,
    own_request_id: int | None = None,
    **extra,
):
    """Call inside a transaction: locks the contract so that two requests or a
    request and a completion do not interleave. Raises RegistrationPending
    while another browser's request waits: only the browser that made a
    request (`own_request_id`, kept in its session) may replace it."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.is_registered:
        raise RegistrationError(ALREADY_REGISTERED)
    pending = registration_pending_other(contract=contract, own_request_id=own_request_id)
    if pending is not None:
        raise RegistrationPending(pending)
    # This browser's own earlier request and expired ones die with their links and codes.
    contract.registration_requests.filter(completed_at__isnull=True).delete()
    return RegistrationRequest.objects.create(
        contract=contract,
        method=method,
        email=email,
        phone=phone,
        password=make_password(password),
        **extra,
    )


@transaction.atomic
def registration_email_start(
    *,
    contract: Contract,
    email: str,
    phone: str,
    password: str,
    link_for,
    own_request_id: int | None = None,
    activation_code: ActivationCode | None = None,
) -> RegistrationRequest:
    """Saves the request and sends the link; `link_for(token)` makes it absolute.

    Raises RegistrationError for a registered contract. The letter is
    queued with the request: both are kept, or neither.
    """
    token = secrets.token_urlsafe(32)
    request = _request_create(
        contract=contract,
        method=Contract.RegistrationMethod.EMAIL,
        email=email,
        phone=phone,
        password=password,
        token_hash=_token_hash(token),
        own_request_id=own_request_id,
        activation_code=activation_code,
    )
    email_queue(
        name="registration-confirm",
        secret=True,
        to=[email],
        context={
            "contract": contract,
            "organization": contract.organization,
            "link": link_for(token),
            "hours": settings.CONFIRMATION_LINK_HOURS,
        },
    )
    return request


@transaction.atomic
def registration_sms_start(
    *,
    contract: Contract,
    email: str,
    phone: str,
    password: str,
    own_request_id: int | None = None,
    activation_code: ActivationCode | None = None,
) -> tuple[RegistrationRequest, ConfirmationCode]:
    """Saves the request and sends a code to `phone` (see codes.code_send)."""
    request = _request_create(
        contract=contract,
        method=Contract.RegistrationMethod.SMS,
        email=email,
        phone=phone,
        password=password,
        own_request_id=own_request_id,
        activation_code=activation_code,
    )
    code = registration_code_resend(request=request, phone=phone)
    return request, code


@transaction.atomic
def registration_attempt_notify(*, pending: RegistrationRequest) -> None:
    """Tells the owner of a pending request that someone else tried to
    register the contract: by letter for an e-mail request, by SMS for an SMS
    one. The text is the cabinet's own; nothing the other visitor typed."""
    context = {"contract": pending.contract, "expires_at": pending.created_at + _link_lifetime()}
    if pending.method == Contract.RegistrationMethod.SMS:
        # No SMS provider: the refusal still holds, only the notice is lost.
        with contextlib.suppress(SmsDeliveryError):
            sms_queue(name="registration-attempt", to=to_python(pending.phone).as_e164, context=context)
        return
    email_queue(name="registration-attempt", to=[pending.email], context=context)


def registration_code_resend(*, request: RegistrationRequest, phone: str | None = None) -> ConfirmationCode:
    """A new code for a pending SMS request, to a corrected phone if given."""
    with transaction.atomic():
        if phone and str(phone) != str(request.phone):
            request.phone = phone
            request.save(update_fields=["phone"])
        return code_send(
            contract=request.contract,
            purpose=ConfirmationCode.Purpose.REGISTRATION,
            phone=request.phone,
            registration=request,
            sms_name="registration-code",
        )


def registration_request_pending(*, request_id: int | None, contract_id: int | None):
    """The session's pending SMS request if it is still alive."""
    if not request_id or not contract_id:
        return None
    request = (
        RegistrationRequest.objects.select_related("contract")
        .filter(
            pk=request_id,
            contract_id=contract_id,
            completed_at__isnull=True,
            method=Contract.RegistrationMethod.SMS,
        )
        .first()
    )
    if request is None or request.created_at + _link_lifetime() <= timezone.now():
        return None
    return request


def _complete(
    *, request: RegistrationRequest, now: dt.datetime, announce_link_for: Callable[[str], str]
) -> User:
    contract = Contract.objects.select_for_update().select_related("organization").get(pk=request.contract_id)
    if contract.is_registered:
        raise RegistrationError(ALREADY_REGISTERED)
    user = registration_user(contract=contract)
    if not user.is_active:
        raise RegistrationError("Учетная запись заблокирована. Обратитесь в АО «ЭнСер».")
    if request.activation_code_id is not None:
        try:
            activation_code_use(code_id=request.activation_code_id, now=now)
        except ActivationCodeError as error:
            raise RegistrationError(str(error)) from None
    user.password = request.password
    user.email = request.email
    user.phone = request.phone
    user.save()
    # The account made at registration is the contract's first administrator.
    Membership.objects.get_or_create(user=user, contract=contract, defaults={"role": Role.ADMIN})
    contract.registered_at = now
    contract.registration_method = request.method
    contract.save(update_fields=["registered_at", "registration_method"])
    request.completed_at = now
    # The hash now lives on the user; the request keeps no copy of it.
    request.password = ""
    request.save(update_fields=["completed_at", "password"])
    # Whatever else was pending for this contract is void now.
    contract.registration_requests.filter(completed_at__isnull=True).delete()
    # The contacts billing holds hear of it, with «это не я» (accounts/disputes.py).
    request.contract = contract
    registration_announce(request=request, link_for=announce_link_for)
    return user


class LinkInvalid(Exception):
    """The registration link is forged, used, superseded or expired."""


def registration_email_pending(*, token: str, now: dt.datetime | None = None) -> RegistrationRequest:
    """The pending request an e-mail link belongs to, read only: what the
    «Подтвердить» page shows before anything changes. Raises LinkInvalid."""
    now = now or timezone.now()
    request = (
        RegistrationRequest.objects.select_related("contract__organization")
        .filter(token_hash=_token_hash(token), method=Contract.RegistrationMethod.EMAIL)
        .exclude(token_hash="")
        .first()
    )
    if request is None or request.completed_at is not None or request.contract.is_registered:
        raise LinkInvalid
    if request.created_at + _link_lifetime() <= now:
        raise LinkInvalid
    return request


@transaction.atomic
def registration_email_confirm(
    *, token: str, announce_link_for: Callable[[str], str], now: dt.datetime | None = None
) -> User:
    """Completes the registration the link belongs to; raises LinkInvalid.
    `announce_link_for(token)` makes the «это не я» link absolute."""
    now = now or timezone.now()
    request = (
        RegistrationRequest.objects.select_for_update()
        .filter(token_hash=_token_hash(token), method=Contract.RegistrationMethod.EMAIL)
        .exclude(token_hash="")
        .first()
    )
    if request is None or request.completed_at is not None:
        raise LinkInvalid
    if request.created_at + _link_lifetime() <= now:
        raise LinkInvalid
    try:
        return _complete(request=request, now=now, announce_link_for=announce_link_for)
    except RegistrationError as error:
        raise LinkInvalid from error


@transaction.atomic
def registration_sms_complete(
    *,
    request: RegistrationRequest,
    code_id: int | None,
    announce_link_for: Callable[[str], str],
    now: dt.datetime | None = None,
) -> User:
    """Completes an SMS registration whose code was confirmed ("Подтверждено")."""
    now = now or timezone.now()
    request = RegistrationRequest.objects.select_for_update().get(pk=request.pk)
    code = code_confirmed(code_id=code_id, now=now)
    if code is None or code.registration_id != request.pk or request.completed_at is not None:
        raise RegistrationError("Введите код подтверждения из SMS и нажмите «ОК».")
    user = _complete(request=request, now=now, announce_link_for=announce_link_for)
    code.used_at = now
    code.save(update_fields=["used_at"])
    return user


@transaction.atomic
def contract_registration_reset(*, contract: Contract) -> int:
    """Staff undo a registration: the INN signs in again, the password and the
    user's sessions end. Returns the number of sessions ended."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    contract.registered_at = None
    contract.registration_method = ""
    # A dispute is settled by the reset: the next registration may be disputed anew.
    contract.registration_disputed_at = None
    contract.save(update_fields=["registered_at", "registration_method", "registration_disputed_at"])
    contract.registration_requests.filter(completed_at__isnull=True).delete()
    contract.confirmation_codes.filter(used_at__isnull=True).update(used_at=timezone.now())
    user = User.objects.filter(contract=contract).first()
    if user is None:
        return 0
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user_sessions_end(user=user)


def confirmations_prune(*, now: dt.datetime | None = None, dry_run: bool = False) -> tuple[int, int]:
    """Deletes registration requests that were never confirmed and whose link
    has expired, and SMS codes older than CONFIRMATION_CODES_KEEP_DAYS (kept
    that long for support questions). Returns (requests, codes)."""
    now = now or timezone.now()
    requests = RegistrationRequest.objects.filter(
        completed_at__isnull=True, created_at__lte=now - _link_lifetime()
    )
    codes = ConfirmationCode.objects.filter(
        created_at__lte=now - dt.timedelta(days=settings.CONFIRMATION_CODES_KEEP_DAYS)
    )
    counts = requests.count(), codes.count()
    if not dry_run:
        with transaction.atomic():
            codes.delete()
            requests.delete()
    return counts
