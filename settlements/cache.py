"""Statements made once until the data changes.

A downloaded statement (PDF or Excel) is kept in the cache under a key made
of everything it shows (enser_cabinet/versioned.py): the contract's
`data_version`, the contract's and organization's requisites, the period,
and the release of the code, templates and supplier requisites that draw
it. While Redis is down, downloads answer 503 as every rate-limited action
does (enser_cabinet/middleware.py).
"""

from accounts.models import Contract
from enser_cabinet.versioned import cached_bytes, contract_key, keep_bytes
from settlements.ledger import Period


def statement_key(*, contract: Contract, kind: str, extension: str, period: Period) -> str:
    return contract_key(
        f"statement:{kind}.{extension}",
        contract=contract,
        start=period.start,
        end=period.end,
        requisites=True,
    )


def statement_cached(key: str) -> bytes | None:
    return cached_bytes(key)


def statement_keep(key: str, content: bytes) -> None:
    keep_bytes(key, content)
