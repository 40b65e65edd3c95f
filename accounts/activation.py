"""Activation codes: with REGISTRATION_REQUIRES_CODE on, registration asks
for a one-time code besides the INN, which is public. Billing prints the
code on the invoice, or staff issue one in admin («Выдать код активации»)
and hand it to the customer; it is shown once and kept only as a keyed hash.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import ActivationCode, Contract, User

# No 0/O, 1/I/L: read off paper and typed by hand.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LENGTH = 10

CODE_WRONG = "Неверный код активации. Код напечатан в счете АО «ЭнСер» или его сообщат сотрудники АО «ЭнСер»."
CODE_SPENT = (
    "Этот код активации уже использован или срок его действия истек. Запросите новый код в АО «ЭнСер»."
)


class ActivationCodeError(Exception):
    """The code typed does not open the registration; the text is for the customer."""


def _normalize(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def _hash(code: str, salt: str) -> str:
    return salted_hmac("accounts.ActivationCode", f"{salt}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def activation_code_issue(
    *, contract: Contract, by: User | None = None, now: dt.datetime | None = None
) -> str:
    """A new code for the contract, valid ACTIVATION_CODE_DAYS; the earlier
    unused ones stop working. Returns the code, which is stored only hashed."""
    now = now or timezone.now()
    ActivationCode.objects.filter(contract=contract, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    salt = secrets.token_hex(16)
    ActivationCode.objects.create(
        contract=contract,
        salt=salt,
        code_hash=_hash(code, salt),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.ACTIVATION_CODE_DAYS),
        created_by=by,
    )
    return f"{code[:5]}-{code[5:]}"


def activation_code_match(
    *, contract: Contract, typed: str, now: dt.datetime | None = None
) -> ActivationCode:
    """The contract's code that `typed` is; raises ActivationCodeError when it
    is none of them (CODE_WRONG) or one used or expired (CODE_SPENT)."""
    now = now or timezone.now()
    typed = _normalize(typed)
    for code in ActivationCode.objects.filter(contract=contract).order_by("-created_at")[:20]:
        if constant_time_compare(_hash(typed, code.salt), code.code_hash):
            if code.used_at is not None or code.expires_at <= now:
                raise ActivationCodeError(CODE_SPENT)
            return code
    raise ActivationCodeError(CODE_WRONG)


def activation_code_use(*, code_id: int, now: dt.datetime) -> None:
    """Call in the completing transaction: spends the code, or raises
    ActivationCodeError if another registration spent it first."""
    code = ActivationCode.objects.select_for_update().get(pk=code_id)
    if code.used_at is not None:
        raise ActivationCodeError(CODE_SPENT)
    code.used_at = now
    code.save(update_fields=["used_at"])


def activation_codes_for_billing(*, numbers: list[str] | None = None) -> list[tuple[str, str]]:
    """New codes for billing to print on invoices: for the contracts named,
    or for every contract not registered yet. Returns (number, code) pairs;
    each contract's earlier codes stop working."""
    contracts = Contract.objects.filter(registered_at__isnull=True).order_by("number")
    if numbers is not None:
        contracts = contracts.filter(number__in=numbers)
    return [(contract.number, activation_code_issue(contract=contract)) for contract in contracts]
