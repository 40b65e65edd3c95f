"""SMS confirmation codes: six digits, short-lived, few tries, stored hashed.

A code is kept as an HMAC keyed by SECRET_KEY and a per-code salt, so the
table alone does not give the codes away (a plain hash of six digits would
be reversed in a moment).
"""

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from phonenumber_field.phonenumber import to_python

from accounts.models import ConfirmationCode, Contract, RegistrationRequest
from outbox.services import sms_queue


class CodeError(Exception):
    """A code that cannot be sent or accepted; the text is for the customer."""


class ResendTooSoon(CodeError):
    def __init__(self, seconds: int):
        super().__init__(f"Новый код можно запросить через {seconds} с.")


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str = ""


CODE_EXPIRED = "Срок действия кода истек. Запросите новый код."
CODE_DEAD = "Код больше не действует: было слишком много неверных попыток. Запросите новый код."
CODE_MISSING = "Сначала запросите код: нажмите «Отправить смс»."


def _hash(code: str, salt: str) -> str:
    return salted_hmac("accounts.ConfirmationCode", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _latest(*, contract: Contract, purpose: str) -> ConfirmationCode | None:
    return ConfirmationCode.objects.filter(contract=contract, purpose=purpose).order_by("-created_at").first()


def resend_wait(*, last_sent_at: dt.datetime | None, now: dt.datetime | None = None) -> int:
    """Seconds to wait, rounded up, before another code may follow one sent at
    `last_sent_at` (0: may send now)."""
    if last_sent_at is None:
        return 0
    now = now or timezone.now()
    ready_at = last_sent_at + dt.timedelta(seconds=settings.SMS_CODE_RESEND_AFTER)
    return max(0, math.ceil((ready_at - now).total_seconds()))


def resend_check(*, last_sent_at: dt.datetime | None, now: dt.datetime | None = None) -> None:
    """Raises ResendTooSoon within SMS_CODE_RESEND_AFTER of `last_sent_at`."""
    wait = resend_wait(last_sent_at=last_sent_at, now=now)
    if wait:
        raise ResendTooSoon(wait)


def wrong_attempt(*, failed_attempts: int) -> CheckResult:
    """The answer to the `failed_attempts`-th wrong code: the tries left, or
    the code is dead after SMS_CODE_MAX_ATTEMPTS of them."""
    left = settings.SMS_CODE_MAX_ATTEMPTS - failed_attempts
    if left <= 0:
        return CheckResult(False, CODE_DEAD)
    return CheckResult(False, f"Неверный код подтверждения. Осталось попыток: {left}.")


@transaction.atomic
def code_send(
    *,
    contract: Contract,
    purpose: str,
    phone: str,
    registration: RegistrationRequest | None = None,
    sms_name: str,
) -> ConfirmationCode:
    """Creates a new code, kills the earlier ones of the same purpose, sends it.

    Raises ResendTooSoon within SMS_CODE_RESEND_AFTER of the last code and
    SmsDeliveryError when SMS cannot be sent at all (then nothing is saved).
    """
    # Serialize sends for one contract so that two quick clicks do not both pass the wait.
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    latest = _latest(contract=contract, purpose=purpose)
    resend_check(last_sent_at=latest.created_at if latest else None)
    now = timezone.now()
    ConfirmationCode.objects.filter(
        contract=contract, purpose=purpose, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    record = ConfirmationCode.objects.create(
        contract=contract,
        purpose=purpose,
        registration=registration,
        phone=phone,
        salt=salt,
        code_hash=_hash(code, salt),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.SMS_CODE_LIFETIME),
    )
    minutes = max(1, settings.SMS_CODE_LIFETIME // 60)
    # Queued in the transaction: a code that is not kept is never sent.
    sms_queue(name=sms_name, to=to_python(phone).as_e164, context={"code": code, "minutes": minutes})
    return record


@transaction.atomic
def code_check(*, code_id: int | None, typed: str, now: dt.datetime | None = None) -> CheckResult:
    """Checks a typed code against the code `code_id`, counting wrong tries."""
    now = now or timezone.now()
    record = ConfirmationCode.objects.select_for_update().filter(pk=code_id).first() if code_id else None
    if record is None or record.used_at is not None:
        return CheckResult(False, CODE_MISSING)
    if record.confirmed_at is not None:
        return CheckResult(True)
    if record.failed_attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
        return CheckResult(False, CODE_DEAD)
    if record.expires_at <= now:
        return CheckResult(False, CODE_EXPIRED)
    typed = "".join(typed.split())
    if constant_time_compare(_hash(typed, record.salt), record.code_hash):
        record.confirmed_at = now
        record.save(update_fields=["confirmed_at"])
        return CheckResult(True)
    record.failed_attempts += 1
    record.save(update_fields=["failed_attempts"])
    return wrong_attempt(failed_attempts=record.failed_attempts)


def code_confirmed(*, code_id: int | None, now: dt.datetime | None = None) -> ConfirmationCode | None:
    """The code if it was confirmed, not yet used and confirmed recently enough."""
    now = now or timezone.now()
    record = ConfirmationCode.objects.filter(pk=code_id).first() if code_id else None
    if record is None or record.confirmed_at is None or record.used_at is not None:
        return None
    if record.confirmed_at + dt.timedelta(seconds=settings.SMS_CODE_LIFETIME) <= now:
        return None
    return record
