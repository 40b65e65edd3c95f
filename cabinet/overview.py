"""«Главная» of a person with several contracts: each contract with its
«Состояние счета», and the total over them."""

from dataclasses import dataclass

from accounts.models import Contract
from accounts.roles import Access, Action
from enser_cabinet.money import ZERO
from settlements.ledger import Balance, contracts_balances


@dataclass(frozen=True)
class ContractRow:
    access: Access
    # None where the person's role does not allow the money tabs (Инженер).
    balance: Balance | None
    current: bool


@dataclass(frozen=True)
class Overview:
    rows: list[ContractRow]
    # Over the contracts whose balance is shown; None when none is.
    total: Balance | None

    @property
    def shows_balances(self) -> bool:
        return self.total is not None


def contracts_overview(*, accesses: list[Access], current: Contract) -> Overview:
    """Every contract of `accesses` in their order, each with its balance
    where the role on it allows LEDGER: one query for all the balances."""
    shown = [access.contract.pk for access in accesses if access.allows(Action.LEDGER)]
    balances = contracts_balances(shown) if shown else {}
    rows = [
        ContractRow(
            access=access, balance=balances.get(access.contract.pk), current=access.contract.pk == current.pk
        )
        for access in accesses
    ]
    total = None
    if balances:
        total = Balance(
            charged=sum((b.charged for b in balances.values()), ZERO),
            paid=sum((b.paid for b in balances.values()), ZERO),
        )
    return Overview(rows=rows, total=total)
