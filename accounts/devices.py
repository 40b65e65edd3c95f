"""Device cookies (OWASP "Slow down online guessing attacks with device
cookies"): a browser that once signed in to an account carries a signed,
long-lived cookie that names it (as keyed hashes, not in clear).

Failed sign-ins from a browser without such a cookie for the account count
against the account's limit for unknown browsers; from a browser with one,
against a limit of that browser alone. So someone guessing passwords from
elsewhere locks out unknown browsers only, never the customer's own.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "enser_device"
_SALT = "accounts.devices"
# Accounts one browser remembers (an office computer shared by a few people).
_MAX_ACCOUNTS = 10


def _account_tag(account_key: str) -> str:
    return salted_hmac(_SALT, account_key, algorithm="sha256").hexdigest()[:20]


def _read(request: HttpRequest) -> dict | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=settings.DEVICE_COOKIE_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return None
    if isinstance(data, dict) and isinstance(data.get("d"), str) and isinstance(data.get("a"), list):
        return data
    return None


def device_known(request: HttpRequest, *, account_key: str) -> str | None:
    """The browser's device id when its cookie is genuine, not too old, and
    names the account `account_key` (what the sign-in field names); else None."""
    data = _read(request)
    if data is None or _account_tag(account_key) not in data["a"]:
        return None
    return data["d"]


def device_cookie_set(request: HttpRequest, response: HttpResponse, *, account_key: str) -> None:
    """After a successful sign-in: the browser's cookie names this account
    too (the device keeps its id), and lasts DEVICE_COOKIE_DAYS from now."""
    data = _read(request) or {"d": secrets.token_urlsafe(16), "a": []}
    tag = _account_tag(account_key)
    accounts = [tag] + [other for other in data["a"] if other != tag]
    value = signing.dumps({"d": data["d"], "a": accounts[:_MAX_ACCOUNTS]}, salt=_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=settings.DEVICE_COOKIE_DAYS * 24 * 60 * 60,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
