"""Keys for django-ratelimit that count by what a person typed."""

from django.http import HttpRequest
from phonenumber_field.phonenumber import PhoneNumber

from accounts.devices import device_known
from accounts.validators import normalize_contract_number
from enser_cabinet.ratelimit import Limit, limit_rate, limits_check, limits_count, typed

# Failed sign-ins per contract number (or e-mail) from browsers that do not
# know the account are counted under this group (sign_in_limits), and so are
# the passwords typed in «Добавить договор»: one contract's password is
# guessed no faster by either way, nor by both.
SIGN_IN_CONTRACT_GROUP = "accounts.sign-in-account"


def identifier_key(raw: str) -> str:
    """A contract number or an e-mail (in any case, counted as one) as
    limits count it, so that both ways in are limited alike."""
    if "@" in raw:
        return "email:" + raw.strip().lower()[:254]
    return normalize_contract_number(raw) or raw.strip().upper()[:40]


def contract_number_key(group: str, request: HttpRequest) -> str:
    """What the sign-in (or recovery) field names."""
    return identifier_key(request.POST.get("contract_number", ""))


def sign_in_account_key(request: HttpRequest) -> str:
    """The account the sign-in form names, as its limits and device cookies count it."""
    return contract_number_key("", request)


def sign_in_limits(request: HttpRequest) -> list[Limit]:
    """The limit failed sign-ins count against: the account's, shared by every
    browser it does not know, or, for a browser carrying the account's device
    cookie, that browser's own (accounts/devices.py)."""
    account = sign_in_account_key(request)
    device = device_known(request, account_key=account)
    if device is not None:
        return [("accounts.sign-in-device", typed(f"{device}:{account}"), "sign_in_device")]
    return account_limits(request)


def account_limits(request: HttpRequest) -> list[Limit]:
    """The account's limit of wrong passwords typed for it in browsers that
    do not know it: at sign-in, and in «Добавить договор»."""
    return [(SIGN_IN_CONTRACT_GROUP, typed(sign_in_account_key(request)), "sign_in_contract")]


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
    return identifier_key(request.session.get("password_reset", {}).get("number", ""))


def sms_phone_limits(phone: PhoneNumber | str) -> list[Limit]:
    """SMS per phone number, whoever asks: they need no request to count."""
    return [
        ("accounts.sms-phone", typed(str(phone)), "sms_phone"),
        ("accounts.sms-phone-day", typed(str(phone)), "sms_phone_day"),
    ]


SMS_IP_LIMITS: list[Limit] = [("accounts.sms-ip", "ip", "sms_ip")]


def _sms_limits(phone: PhoneNumber | str) -> list[Limit]:
    return [*sms_phone_limits(phone), *SMS_IP_LIMITS]


def sms_limits_check(request: HttpRequest, *, phone: PhoneNumber | str) -> None:
    """SMS sends per phone (an hour, a day) and per address: over any,
    RateLimited (429) before anything is written or sent."""
    limits_check(request, _sms_limits(phone))


def sms_limits_count(request: HttpRequest, *, phone: PhoneNumber | str) -> None:
    """Counts an SMS that was sent: the code is on its way whatever the cache does now."""
    limits_count(request, _sms_limits(phone))
