"""Contacts shown half-hidden: +7(902)***-**-12, i***@mail.ru."""

import phonenumbers
from django.conf import settings
from django.utils.crypto import salted_hmac

DECOY_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru"]
DECOY_LETTERS = "abdegiklmnoprstuvz"


def mask_phone(phone) -> str:
    number = phonenumbers.parse(str(phone), settings.PHONENUMBER_DEFAULT_REGION)
    national = str(number.national_number)
    if number.country_code == 7 and len(national) == 10:
        return f"+7({national[:3]})***-**-{national[-2:]}"
    return f"+{number.country_code} ***{national[-2:]}"


def mask_email(email: str) -> str:
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"


def decoy_contacts(key: str) -> tuple[str, str]:
    """Stable made-up masked contacts for a contract that has none, so that the
    page looks the same whether or not a contract exists or is registered."""
    digest = salted_hmac("accounts.masking.decoy", key, algorithm="sha256").digest()
    digits = "".join(str(byte % 10) for byte in digest[:4])
    phone = f"+7(9{digits[0]}{digits[1]})***-**-{digits[2]}{digits[3]}"
    letter = DECOY_LETTERS[digest[4] % len(DECOY_LETTERS)]
    email = f"{letter}***@{DECOY_DOMAINS[digest[5] % len(DECOY_DOMAINS)]}"
    return phone, email
