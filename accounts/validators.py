"""Validation of the requisites that identify a customer."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

INN_10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN_12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN_12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
CONTRACT_NUMBER_RE = re.compile(r"^\d{5}-ЭС$")

# Latin letters that look like Cyrillic ones, as people type them on an
# English keyboard layout.
LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
DASHES = "-‐‑‒–—―−"
CONTRACT_SUFFIXES = {"ЭС": "ЭС", "ЕС": "ЭС", "ES": "ЭС", "3С": "ЭС"}


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    if not inn.isdigit() or len(inn) not in (10, 12) or not inn.isascii():
        return False
    if len(inn) == 10:
        return _check_digit(inn, INN_10_WEIGHTS) == int(inn[9])
    return _check_digit(inn, INN_12_WEIGHTS_1) == int(inn[10]) and _check_digit(inn, INN_12_WEIGHTS_2) == int(
        inn[11]
    )


def validate_inn(value: str) -> None:
    if not value.isascii() or not value.isdigit() or len(value) not in (10, 12):
        raise ValidationError(
            _("ИНН состоит из 10 цифр (организация) или 12 цифр (индивидуальный предприниматель)."),
            code="inn_format",
        )
    if not inn_is_valid(value):
        raise ValidationError(_("Неверный ИНН: не сходится контрольное число."), code="inn_checksum")


def validate_kpp(value: str) -> None:
    if not KPP_RE.match(value):
        raise ValidationError(_("КПП состоит из 9 знаков, например 745301001."), code="kpp_format")


def validate_contract_number(value: str) -> None:
    if not CONTRACT_NUMBER_RE.match(value):
        raise ValidationError(
            _("Номер договора указывается в формате 00000-ЭС."), code="contract_number_format"
        )


def normalize_contract_number(raw: str) -> str | None:
    """The canonical `NNNNN-ЭС` for a number as a person typed it, or None.

    Accepts any case, spaces, any dash or none, and Latin letters that look
    like the Cyrillic ones ("12345-ec", "12345 ЭС", "12345эс", "12345-ES").
    """
    text = "".join(raw.split()).upper()
    for dash in DASHES:
        text = text.replace(dash, "")
    match = re.fullmatch(r"(\d{5})(\w{2})", text)
    if not match:
        return None
    digits, suffix = match.groups()
    suffix = CONTRACT_SUFFIXES.get(suffix) or CONTRACT_SUFFIXES.get(suffix.translate(LATIN_TO_CYRILLIC))
    if suffix is None:
        return None
    return f"{digits}-{suffix}"


class MaximumLengthValidator:
    """The upper bound of a password's length: refused, never truncated."""

    def __init__(self, max_length: int = 20):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "Пароль слишком длинный: не более %(max_length)d символа.",
                    "Пароль слишком длинный: не более %(max_length)d символов.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Длина пароля должна быть не более %(max_length)d символов.") % {
            "max_length": self.max_length
        }
