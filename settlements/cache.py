"""Statements made once until the data changes.

A downloaded statement (PDF or Excel) is kept in the cache under a key made
of everything it shows: the contract's `data_version` (raised by database
triggers on any change of its invoices, lines and payments), the contract's
and organization's requisites, the supplier's requisites, the period, and
the code and templates that draw it. A new payment, a corrected invoice, a
renamed organization or a new release gives a new key, so a cached file is
never stale; old keys simply expire. While Redis is down, downloads answer
503 as every rate-limited action does (enser_cabinet/middleware.py).
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

from accounts.models import Contract
from settlements.ledger import Period

KEEP_SECONDS = 7 * 24 * 60 * 60
_APP = Path(__file__).resolve().parent
_DRAWN_BY = [
    _APP / "ledger.py",
    _APP / "pdf.py",
    _APP / "xlsx.py",
    *sorted((settings.BASE_DIR / "templates" / "settlements").rglob("*")),
]


@cache
def release() -> str:
    """A digest of the code, templates and supplier requisites that draw statements."""
    digest = hashlib.sha256(repr(sorted(settings.COMPANY.items())).encode())
    for path in _DRAWN_BY:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def statement_key(*, contract: Contract, kind: str, extension: str, period: Period) -> str:
    organization = contract.organization
    shown = (
        contract.number,
        contract.signed_on,
        contract.service,
        organization.name,
        organization.inn,
        organization.kpp,
        organization.legal_address,
        organization.postal_address,
    )
    requisites = hashlib.sha256(repr(shown).encode()).hexdigest()[:16]
    return (
        f"statement:{kind}.{extension}:{contract.pk}:{contract.data_version}:{requisites}:"
        f"{period.start:%Y%m%d}-{period.end:%Y%m%d}:{release()}"
    )


def statement_cached(key: str) -> bytes | None:
    return caches["default"].get(key)


def statement_keep(key: str, content: bytes) -> None:
    caches["default"].set(key, content, KEEP_SECONDS)
