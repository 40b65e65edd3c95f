"""The payment QR code of ГОСТ Р 56042-2014 that bank apps scan to fill a
payment: `ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|…`.

ST is the format, 0001 its version, 2 the encoding (UTF-8); the five
required fields come first in that order, then the additional ones. A value
never contains the separator `|` (removed) and is cut to the standard's
length; the digits-only fields must already fit, or the code would pay
somebody else, so they raise instead.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import segno

HEADER = "ST00012"
SEPARATOR = "|"
# (field, maximum length, digits only)
FIELDS = (
    ("Name", 160, False),
    ("PersonalAcc", 20, True),
    ("BankName", 45, False),
    ("BIC", 9, True),
    ("CorrespAcc", 20, True),
    ("PayeeINN", 12, True),
    ("KPP", 9, True),
    ("Purpose", 210, False),
    ("Sum", 18, True),
)


@dataclass(frozen=True)
class Payment:
    name: str
    account: str
    bank_name: str
    bik: str
    correspondent_account: str
    inn: str
    kpp: str
    purpose: str
    amount: Decimal


def payload(payment: Payment) -> str:
    kopecks = int((payment.amount * 100).to_integral_value())
    if kopecks <= 0:
        raise ValueError("a payment QR code is for a positive sum")
    values = (
        payment.name,
        payment.account,
        payment.bank_name,
        payment.bik,
        payment.correspondent_account,
        payment.inn,
        payment.kpp,
        payment.purpose,
        str(kopecks),
    )
    parts = [HEADER]
    for (field, length, digits), value in zip(FIELDS, values, strict=True):
        value = " ".join(value.replace(SEPARATOR, " ").split())
        if digits:
            if not re.fullmatch(rf"\d{{1,{length}}}", value):
                raise ValueError(f"{field}: {value!r} is not up to {length} digits")
        else:
            value = value[:length].rstrip()
        parts.append(f"{field}={value}")
    return SEPARATOR.join(parts)


def svg(data: str, *, scale: int = 3) -> str:
    """The code as an inline SVG element (no XML declaration), for a PDF or a page."""
    code = segno.make(data, error="m", encoding="utf-8", micro=False)
    return code.svg_inline(scale=scale, border=2)
