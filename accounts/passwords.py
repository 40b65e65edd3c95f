"""Password recovery ("Забыли пароль?") and change.

Recovery answers the same for any contract number: an unknown or
unregistered contract gets made-up masked contacts and nothing is sent.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.codes import (
    CheckResult,
    ResendTooSoon,
    code_check,
    code_confirmed,
    code_send,
    resend_check,
    wrong_attempt,
)
from accounts.journal import Origin, journal_record
from accounts.masking import decoy_contacts, mask_email, mask_phone
from accounts.models import ConfirmationCode, Contract, User
from accounts.sessions import user_sessions_end
from outbox.services import email_queue


@dataclass(frozen=True)
class ResetTarget:
    number: str
    user: User | None
    masked_email: str
    masked_phone: str

    @property
    def sms_phone(self) -> str:
        """The phone SMS limits count by: the real one, or the made-up one."""
        return self.user.phone if self.user is not None else self.masked_phone


@dataclass(frozen=True)
class ResetProgress:
    """How far a browser got in "Забыли пароль?", kept in its session: the
    contract number typed, the code asked for and when, and the wrong tries
    at a made-up code (a real code counts its own)."""

    number: str
    code_id: int | None = None
    sent_at: float | None = None  # a POSIX timestamp: sessions hold JSON
    decoy_tries: int = 0

    @classmethod
    def from_session(cls, data: dict | None) -> "ResetProgress | None":
        if not data or "number" not in data:
            return None
        return cls(
            number=data["number"],
            code_id=data.get("code_id"),
            sent_at=data.get("sent_at"),
            decoy_tries=data.get("decoy_tries", 0),
        )

    def to_session(self) -> dict:
        return asdict(self)

    @property
    def code_requested(self) -> bool:
        return self.sent_at is not None

    @property
    def last_sent_at(self) -> dt.datetime | None:
        return None if self.sent_at is None else dt.datetime.fromtimestamp(self.sent_at, tz=dt.UTC)


def reset_target(*, number: str) -> ResetTarget:
    """Who a recovery for contract `number` reaches, with the contacts masked."""
    user = (
        User.objects.select_related("contract")
        .filter(contract__number=number, contract__registered_at__isnull=False, is_active=True)
        .first()
    )
    decoy_phone, decoy_email = decoy_contacts(number)
    if user is None:
        return ResetTarget(number, None, decoy_email, decoy_phone)
    return ResetTarget(
        number,
        user,
        mask_email(user.email) if user.email else decoy_email,
        mask_phone(user.phone) if user.phone else decoy_phone,
    )


def password_reset_email_send(*, target: ResetTarget, link_for) -> None:
    """Sends the link; `link_for(uidb64, token)` makes it absolute."""
    user = target.user
    if user is None or not user.email:
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    email_queue(
        name="password-reset",
        secret=True,
        to=[user.email],
        context={
            "contract": user.contract,
            "link": link_for(uidb64, default_token_generator.make_token(user)),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def password_reset_code_send(*, target: ResetTarget) -> ConfirmationCode | None:
    """Sends a recovery code. Within SMS_CODE_RESEND_AFTER of the last one,
    asked for from another browser, no SMS leaves and the code already sent
    is the one to enter: refusing would tell that browser that the contract
    is registered, since a made-up one is never refused."""
    user = target.user
    if user is None or not user.phone:
        return None
    try:
        return code_send(
            contract=user.contract,
            purpose=ConfirmationCode.Purpose.PASSWORD_RESET,
            phone=user.phone,
            sms_name="password-reset-code",
        )
    except ResendTooSoon:
        return (
            ConfirmationCode.objects.filter(
                contract=user.contract,
                purpose=ConfirmationCode.Purpose.PASSWORD_RESET,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .order_by("-created_at")
            .first()
        )


def password_reset_code_request(
    *,
    progress: ResetProgress,
    target: ResetTarget,
    before_send: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> ResetProgress:
    """Sends a recovery code by SMS (or pretends to, for made-up contacts).

    Raises ResendTooSoon within SMS_CODE_RESEND_AFTER of the code this
    browser last asked for, before anything else; then `before_send(phone)`
    may refuse (SMS limits), and SmsDeliveryError says the SMS did not leave.
    """
    now = now or timezone.now()
    resend_check(last_sent_at=progress.last_sent_at, now=now)
    if before_send is not None:
        before_send(target.sms_phone)
    code = password_reset_code_send(target=target)
    return replace(progress, code_id=code.pk if code else None, sent_at=now.timestamp(), decoy_tries=0)


def password_reset_code_verify(
    *, progress: ResetProgress, typed: str, now: dt.datetime | None = None
) -> tuple[CheckResult, ResetProgress]:
    """Checks a typed recovery code, counting wrong tries; returns the answer
    and the progress to keep."""
    if progress.code_id:
        return code_check(code_id=progress.code_id, typed=typed, now=now), progress
    # Made-up contacts: no code exists, but the answers look like a real one's.
    progress = replace(progress, decoy_tries=progress.decoy_tries + 1)
    return wrong_attempt(failed_attempts=progress.decoy_tries), progress


def password_reset_link_user(*, uidb64: str, token: str) -> User | None:
    """The user a recovery link belongs to, if the link is genuine and unused."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, contract__registered_at__isnull=False, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_code_user(*, code_id: int | None, now: dt.datetime | None = None) -> User | None:
    code = code_confirmed(code_id=code_id, now=now)
    if code is None or code.purpose != ConfirmationCode.Purpose.PASSWORD_RESET:
        return None
    return User.objects.filter(contract_id=code.contract_id, contract__registered_at__isnull=False).first()


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
