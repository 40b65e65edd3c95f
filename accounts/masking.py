"""Contacts shown half-hidden: +7(902)***-**-12, i***@mail.ru."""

import phonenumbers
from django.conf import settings


def mask_phone(phone) -> str:
    number = phonenumbers.parse(str(phone), settings.PHONENUMBER_DEFAULT_REGION)
    national = str(number.national_number)
    if number.country_code == 7 and len(national) == 10:
        return f"+7({national[:3]})***-**-{national[-2:]}"
    return f"+{number.country_code} ***{national[-2:]}"


def mask_email(email: str) -> str:
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"
