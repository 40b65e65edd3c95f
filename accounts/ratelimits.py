"""Keys for django-ratelimit that count by what a person typed."""

import logging

from django.http import HttpRequest
from phonenumber_field.phonenumber import PhoneNumber

from accounts.validators import normalize_contract_number
from enser_cabinet.ratelimit import CacheUnavailable, RateLimited, limit_rate, usage_get

logger = logging.getLogger(__name__)


def contract_number_key(group: str, request: HttpRequest) -> str:
    """What the sign-in field names: a contract number, or an e-mail (in any
    case, counted as one), so that both ways in are limited alike."""
    raw = request.POST.get("contract_number", "")
    if "@" in raw:
        return "email:" + raw.strip().lower()[:254]
    return normalize_contract_number(raw) or raw.strip().upper()[:40]


def inn_rate(group: str, request: HttpRequest) -> str | None:
    """A stricter limit for what looks like an INN (10 or 12 digits): the INN
    of a company is public, so guesses at first sign-in are capped per contract.
    Passwords cannot be all digits (NumericPasswordValidator), so this never
    counts a registered customer's password attempts."""
    secret = "".join(request.POST.get("secret", "").split())
    if secret.isdigit() and len(secret) in (10, 12):
        return limit_rate("inn_contract")
    return None


def password_reset_contract_key(group: str, request: HttpRequest) -> str:
    if "contract_number" in request.POST:
        return contract_number_key(group, request)
    return request.session.get("password_reset", {}).get("number", "")


def _sms_limits(phone: PhoneNumber | str) -> list[tuple[str, object, str]]:
    return [
        ("accounts.sms-phone", lambda group, request: str(phone), limit_rate("sms_phone")),
        ("accounts.sms-phone-day", lambda group, request: str(phone), limit_rate("sms_phone_day")),
        ("accounts.sms-ip", "ip", limit_rate("sms_ip")),
    ]


def sms_limits_check(request: HttpRequest, *, phone: PhoneNumber | str) -> None:
    """SMS sends per phone and per address: over either, RateLimited (429)
    before anything is written or sent."""
    for group, key, rate in _sms_limits(phone):
        usage = usage_get(request, group=group, key=key, rate=rate)
        if usage is not None and usage["count"] >= usage["limit"]:
            raise RateLimited(retry_after=usage["time_left"] if usage["time_left"] > 0 else None)


def sms_limits_count(request: HttpRequest, *, phone: PhoneNumber | str) -> None:
    """Counts an SMS that was sent. It has left, so a cache failing only now
    does not turn the step into an error page: the code is on its way."""
    try:
        for group, key, rate in _sms_limits(phone):
            usage_get(request, group=group, key=key, rate=rate, increment=True)
    except CacheUnavailable:
        logger.warning("an SMS to %s went uncounted: the cache is unavailable", phone)
