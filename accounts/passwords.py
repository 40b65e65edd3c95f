"""Password recovery ("Забыли пароль?") and change.

Recovery gives no oracle: whatever was typed (a registered contract, an
unregistered or unknown one, a personal account's e-mail or an unknown
address), the request takes the same path, renders the same page with the
same status, and queues exactly one job, `password_reset_send`, whose worker
decides whether anyone gets a letter or an SMS. No contact is shown, masked
or not, and the wait before another code counts per identifier typed, in the
shared cache, for everyone alike.
"""

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.backends import email_accounts
from accounts.codes import (
    CODE_DEAD,
    CODE_EXPIRED,
    CheckResult,
    ResendTooSoon,
    code_check,
    code_confirmed,
    code_send,
    wrong_attempt,
)
from accounts.journal import Origin, journal_record
from accounts.models import ConfirmationCode, Contract, User
from accounts.ratelimits import sms_phone_limits
from accounts.sessions import user_sessions_end
from accounts.sms import SmsDeliveryError
from enser_cabinet.ratelimit import (
    CACHE_ERRORS,
    CacheUnavailable,
    RateLimited,
    limits_check,
    limits_count,
)
from outbox.services import URGENT_PRIORITY, URGENT_QUEUE, email_queue

# How far the worker's clock may lag the web server's when a code is looked up.
_CLOCK_SLACK = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class ResetProgress:
    """How far a browser got in "Забыли пароль?", kept in its session: what
    was typed (a contract number or an e-mail, normalized), when a code was
    last asked for, the wrong tries at it, and the code once confirmed."""

    number: str
    code_id: int | None = None
    sent_at: float | None = None  # a POSIX timestamp: sessions hold JSON
    tries: int = 0

    @classmethod
    def from_session(cls, data: dict | None) -> "ResetProgress | None":
        if not data or "number" not in data:
            return None
        return cls(
            number=data["number"],
            code_id=data.get("code_id"),
            sent_at=data.get("sent_at"),
            tries=data.get("tries", 0),
        )

    def to_session(self) -> dict:
        return asdict(self)

    @property
    def by_email(self) -> bool:
        """A personal account's e-mail: its recovery goes by letter only."""
        return "@" in self.number

    @property
    def code_requested(self) -> bool:
        return self.sent_at is not None

    @property
    def last_sent_at(self) -> dt.datetime | None:
        return None if self.sent_at is None else dt.datetime.fromtimestamp(self.sent_at, tz=dt.UTC)


def reset_accounts(*, identifier: str) -> list[User]:
    """The accounts a recovery for `identifier` reaches: the account of a
    registered contract, or the active customers' accounts of an e-mail
    (several, until staff merge them). Never staff."""
    accounts = User.objects.select_related("contract").filter(is_active=True, is_staff=False)
    if "@" in identifier:
        signs_in = Q(contract__isnull=True) | Q(contract__registered_at__isnull=False)
        return list(email_accounts(identifier).filter(signs_in).select_related("contract")[:10])
    return list(accounts.filter(contract__number=identifier, contract__registered_at__isnull=False)[:1])


def _sent_key(identifier: str) -> str:
    digest = salted_hmac("accounts.passwords.reset-sent", identifier, algorithm="sha256").hexdigest()
    return f"accounts:reset-sent:{digest}"


def reset_resend_check(*, identifier: str, now: dt.datetime | None = None) -> None:
    """Raises ResendTooSoon within SMS_CODE_RESEND_AFTER of the last code asked
    for `identifier`, from any browser: the same wait whatever it names."""
    now = now or timezone.now()
    try:
        last = cache.get(_sent_key(identifier))
    except CACHE_ERRORS as error:
        raise CacheUnavailable from error
    if last is None:
        return
    wait = math.ceil(last + settings.SMS_CODE_RESEND_AFTER - now.timestamp())
    if wait > 0:
        raise ResendTooSoon(wait)


def _sent_note(*, identifier: str, now: dt.datetime) -> None:
    try:
        cache.set(_sent_key(identifier), now.timestamp(), timeout=settings.SMS_CODE_RESEND_AFTER + 60)
    except CACHE_ERRORS as error:
        raise CacheUnavailable from error


def password_reset_request(*, identifier: str, method: str, base_url: str) -> None:
    """Queues the one job of a recovery request, whatever `identifier` names.
    On the embedded SQLite demo (no queue) it runs after the commit instead."""
    job = {"identifier": identifier, "method": method, "base_url": base_url}
    if settings.JOBS_INLINE:
        transaction.on_commit(partial(password_reset_deliver, **job), robust=True)
        return
    from accounts.tasks import password_reset_send

    password_reset_send.configure(queue=URGENT_QUEUE, priority=URGENT_PRIORITY).defer(**job)


def password_reset_deliver(*, identifier: str, method: str, base_url: str) -> int:
    """The worker's side of a recovery request: a letter with a link to each
    account `identifier` reaches that has an e-mail, or a code by SMS to the
    contract account's phone (within the SMS limits per phone). Unknown or
    unregistered: nothing. Returns the number of messages queued."""
    sent = 0
    for user in reset_accounts(identifier=identifier):
        if method == "email" and user.email:
            _reset_letter_queue(user=user, base_url=base_url)
            sent += 1
        elif method == "sms" and user.phone and user.contract_id and "@" not in identifier:
            sent += _reset_code_send(user=user)
    return sent


def _reset_letter_queue(*, user: User, base_url: str) -> None:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password-reset-link", args=[uidb64, default_token_generator.make_token(user)])
    email_queue(
        name="password-reset",
        secret=True,
        to=[user.email],
        context={
            "contract": user.contract,
            "user": user,
            "link": base_url.rstrip("/") + path,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def _reset_code_send(*, user: User) -> int:
    """A recovery code to the account's phone, unless the phone is over its
    SMS limits (the worker has no browser to answer: it just does not send)."""
    nobody = HttpRequest()  # the limits per phone do not look at a request
    limits = sms_phone_limits(user.phone)
    try:
        limits_check(nobody, limits)
        code_send(
            contract=user.contract,
            purpose=ConfirmationCode.Purpose.PASSWORD_RESET,
            phone=user.phone,
            sms_name="password-reset-code",
        )
    except (RateLimited, ResendTooSoon, SmsDeliveryError):
        return 0
    limits_count(nobody, limits)
    return 1


def password_reset_code_request(
    *,
    progress: ResetProgress,
    base_url: str,
    before_send: Callable[[], None] | None = None,
    now: dt.datetime | None = None,
) -> ResetProgress:
    """Asks for a recovery code by SMS, the same way for any identifier.

    Raises ResendTooSoon within SMS_CODE_RESEND_AFTER of the last code asked
    for this identifier (from any browser), before anything else; then
    `before_send()` may refuse (limits per address)."""
    now = now or timezone.now()
    reset_resend_check(identifier=progress.number, now=now)
    if before_send is not None:
        before_send()
    _sent_note(identifier=progress.number, now=now)
    password_reset_request(identifier=progress.number, method="sms", base_url=base_url)
    return replace(progress, code_id=None, sent_at=now.timestamp(), tries=0)


def _reset_code(*, progress: ResetProgress) -> ConfirmationCode | None:
    """The code the worker sent for this request, if any: the contract's
    latest recovery code since the request, not confirmed by anyone yet (a
    code confirmed in another browser proves nothing here)."""
    if progress.by_email or progress.sent_at is None:
        return None
    since = progress.last_sent_at - _CLOCK_SLACK
    return (
        ConfirmationCode.objects.filter(
            contract__number=progress.number,
            purpose=ConfirmationCode.Purpose.PASSWORD_RESET,
            created_at__gte=since,
            confirmed_at__isnull=True,
            used_at__isnull=True,
        )
        .order_by("-created_at")
        .first()
    )


def password_reset_code_verify(
    *, progress: ResetProgress, typed: str, now: dt.datetime | None = None
) -> tuple[CheckResult, ResetProgress]:
    """Checks a typed recovery code. The answers (tries left, expired, dead)
    come from this browser's own count and clock, whether a code exists or
    not; a real code also counts its wrong tries, so it dies after
    SMS_CODE_MAX_ATTEMPTS from all browsers together."""
    now = now or timezone.now()
    if progress.tries >= settings.SMS_CODE_MAX_ATTEMPTS:
        return CheckResult(False, CODE_DEAD), progress
    lifetime = dt.timedelta(seconds=settings.SMS_CODE_LIFETIME)
    if progress.sent_at is None or now >= progress.last_sent_at + lifetime:
        return CheckResult(False, CODE_EXPIRED), progress
    code = _reset_code(progress=progress)
    if code is not None and code_check(code_id=code.pk, typed=typed, now=now).ok:
        return CheckResult(True), replace(progress, code_id=code.pk)
    progress = replace(progress, tries=progress.tries + 1)
    return wrong_attempt(failed_attempts=progress.tries), progress


def password_reset_link_user(*, uidb64: str, token: str) -> User | None:
    """The user a recovery link belongs to, if the link is genuine and unused."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    user = (
        User.objects.filter(pk=pk, is_active=True, is_staff=False)
        .filter(Q(contract__isnull=True) | Q(contract__registered_at__isnull=False))
        .first()
    )
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_code_user(*, code_id: int | None, now: dt.datetime | None = None) -> User | None:
    code = code_confirmed(code_id=code_id, now=now)
    if code is None or code.purpose != ConfirmationCode.Purpose.PASSWORD_RESET:
        return None
    return User.objects.filter(
        contract_id=code.contract_id, contract__registered_at__isnull=False, is_active=True
    ).first()


@transaction.atomic
def password_set(
    *,
    user: User,
    password: str,
    keep_session: str | None = None,
    action: str | None = None,
    contract: Contract | None = None,
    origin: Origin | None = None,
) -> int:
    """Sets a new password; every session of the user but `keep_session` ends,
    and unused recovery codes die. With `action` (changed or reset) the
    journal records it on `contract`. Returns the number of sessions ended."""
    user.set_password(password)
    user.save(update_fields=["password"])
    if action is not None:
        journal_record(action=action, user=user, contract=contract, origin=origin)
    if user.contract_id:
        ConfirmationCode.objects.filter(
            contract_id=user.contract_id,
            purpose=ConfirmationCode.Purpose.PASSWORD_RESET,
            used_at__isnull=True,
        ).update(used_at=timezone.now())
    return user_sessions_end(user=user, keep=keep_session)
