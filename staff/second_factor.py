"""A staff member's second factor: an authenticator app (TOTP, django-otp)
and ten recovery codes, each good once.

A member without a confirmed app enrols at sign-in: the key is made for
that sign-in alone and kept in its session until a code from the app
confirms it, so nobody else who knows the password ever sees the key that
is finally saved. A superuser's reset deletes the app and the codes and
ends the member's sessions; the next sign-in enrols again.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.models import User
from accounts.sessions import user_sessions_end

RECOVERY_CODES = 10
APP_NAME = "Приложение-аутентификатор"
RECOVERY_NAME = "Коды восстановления"
# As django-otp's TOTPDevice defaults: six digits every 30 s, one step either way.
DIGITS, STEP, TOLERANCE = 6, 30, 1


def code_normalize(typed: str) -> str:
    """What a person typed, without the spaces and dashes they may add:
    "123 456", "k3j5-m2qa"."""
    return "".join(ch for ch in typed if ch not in " -\t").lower()


def second_factor_enrolled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_key_new() -> str:
    """A new TOTP key, hex as django-otp stores it (20 random bytes)."""
    return random_hex(20)


def enrolment_secret(*, key: str) -> str:
    """The key as an authenticator app takes it typed by hand: base32, in groups of four."""
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrolment_url(*, user: User, key: str) -> str:
    """The otpauth:// address the QR code carries (as TOTPDevice.config_url)."""
    return TOTPDevice(user=user, key=key, digits=DIGITS, step=STEP).config_url


def enrolment_qr_svg(*, user: User, key: str) -> SafeString:
    """The QR code as an inline <svg>: no script, no style attribute, no
    data: address, so the page's Content-Security-Policy holds."""
    qr = segno.make(enrolment_url(user=user, key=key), error="m")
    svg = qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR-код для приложения", svgclass="qr-code")
    # segno writes only paths and numbers into it; role="img" lets screen readers read its title.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def _totp_matches(*, key: str, code: str, after_t: int = -1) -> TOTP | None:
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    totp = TOTP(unhexlify(key), step=STEP, digits=DIGITS)
    totp.time = time.time()
    return totp if totp.verify(int(code), TOLERANCE, after_t + 1) else None


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def enrolment_confirm(*, user: User, key: str, code: str) -> Enrolment | None:
    """Saves the app whose `key` made `code`, with ten new recovery codes;
    None when the code does not match or the member enrolled meanwhile."""
    totp = _totp_matches(key=key, code=code_normalize(code))
    if totp is None:
        return None
    User.objects.select_for_update().filter(pk=user.pk).first()  # one enrolment at a time
    if second_factor_enrolled(user=user):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # The code just typed is spent: the sign-in step cannot take it again.
    device = TOTPDevice.objects.create(
        user=user, name=APP_NAME, key=key, digits=DIGITS, step=STEP, last_t=totp.t(), drift=totp.drift
    )
    device.set_last_used_timestamp()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
    return Enrolment(device=device, recovery_codes=codes)


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None = None
    # Set when django-otp's back-off refuses to check the code yet.
    locked_until: datetime | None = None
    recovery_codes_left: int | None = None

    @property
    def ok(self) -> bool:
        return self.device is not None


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> Verification:
    """Checks a code from the app (six digits) or a recovery code (which is
    then deleted). Each wrong code doubles the wait before the next one is
    checked (django-otp's throttling: 1 s, 2 s, 4 s, …)."""
    code = code_normalize(code)
    model = TOTPDevice if code.isdigit() and len(code) == DIGITS else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return Verification()
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Verification(locked_until=(details or {}).get("locked_until"))
    if not device.verify_token(code):
        return Verification()
    left = device.token_set.count() if isinstance(device, StaticDevice) else None
    return Verification(device=device, recovery_codes_left=left)


def locked_seconds(*, until: datetime) -> int:
    return max(1, int((until - timezone.now()).total_seconds() + 0.999))


@transaction.atomic
def second_factor_reset(*, user: User, keep_session: str | None = None) -> int:
    """Deletes the member's app and recovery codes and ends their sessions
    (but `keep_session`); their next sign-in enrols a new app. Returns the
    number of devices deleted."""
    deleted = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    deleted += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    user_sessions_end(user=user, keep=keep_session)
    return deleted


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
