"""Who may do what in the cabinet: a person's role on a contract and the one
table of the actions each role is allowed.

Every cabinet view names its action to `customer_required`
(accounts/decorators.py), which asks `role_allows` here; the templates hide
the tabs and buttons of actions the role is not allowed through
`Access.can`. A view whose action is not in RULES cannot be decorated: the
project does not start.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from accounts.models import Contract


class Role(models.TextChoices):
    ADMIN = "admin", "Администратор"
    ACCOUNTANT = "accountant", "Бухгалтер"
    ENGINEER = "engineer", "Инженер"
    VIEWER = "viewer", "Просмотр"


class Action(StrEnum):
    HOME = "home"  # "Главная"
    LEDGER = "ledger"  # "Взаиморасчеты", "Начисления", "Оплаты", an invoice
    STATEMENTS = "statements"  # the PDF and Excel statements of those tabs, issued payment documents, УПД
    PAYMENT_DOCUMENTS = "payment_documents"  # making a «Счёт на оплату», the organization's bank account
    METERS = "meters"  # "Показания": meters and their history
    READINGS_SUBMIT = "readings_submit"  # "Передать показания"
    APPEALS_VIEW = "appeals_view"  # "Мои обращения", an appeal, its documents
    APPEALS_SEND = "appeals_send"  # "Оформить обращение" from the cabinet
    REQUISITES = "requisites"  # "Реквизиты и контакты"
    CONTACTS_EDIT = "contacts_edit"  # changing the contacts
    PASSWORD_CHANGE = "password_change"  # noqa: S105 ("Изменить пароль", the person's own)
    PEOPLE = "people"  # "Сотрудники": the contract's people, their roles, invitations
    JOURNAL = "journal"  # "Журнал действий" of the contracts the person administers
    SECURITY = "security"  # "Безопасность": the person's own sign-ins and sessions
    CONTRACTS_ADD = "contracts_add"  # "Добавить договор": another contract of the organization
    NOTIFICATIONS = "notifications"  # "Уведомления": the person's own, and their settings


ADMIN, ACCOUNTANT, ENGINEER, VIEWER = Role.ADMIN, Role.ACCOUNTANT, Role.ENGINEER, Role.VIEWER
EVERYONE = frozenset(Role)

# Администратор: everything. Бухгалтер: ledgers, statements and downloads,
# payment documents, appeals. Инженер: readings and meters, appeals. Просмотр: reads what the
# others read, and sends nothing: no readings, no appeals, no contact changes.
RULES: dict[Action, frozenset[Role]] = {
    Action.HOME: EVERYONE,
    Action.LEDGER: frozenset({ADMIN, ACCOUNTANT, VIEWER}),
    Action.STATEMENTS: frozenset({ADMIN, ACCOUNTANT, VIEWER}),
    Action.PAYMENT_DOCUMENTS: frozenset({ADMIN, ACCOUNTANT}),
    Action.METERS: frozenset({ADMIN, ENGINEER, VIEWER}),
    Action.READINGS_SUBMIT: frozenset({ADMIN, ENGINEER}),
    Action.APPEALS_VIEW: EVERYONE,
    Action.APPEALS_SEND: frozenset({ADMIN, ACCOUNTANT, ENGINEER}),
    Action.REQUISITES: EVERYONE,
    Action.CONTACTS_EDIT: frozenset({ADMIN}),
    Action.PASSWORD_CHANGE: EVERYONE,
    Action.PEOPLE: frozenset({ADMIN}),
    Action.SECURITY: EVERYONE,
    Action.CONTRACTS_ADD: frozenset({ADMIN}),
    Action.JOURNAL: frozenset({ADMIN}),
    Action.NOTIFICATIONS: EVERYONE,
}


def role_allows(role: str, action: Action) -> bool:
    return role in RULES[action]


@dataclass(frozen=True)
class Access:
    """The contract a request works on and the person's role on it."""

    contract: "Contract"
    role: Role

    def allows(self, action: Action) -> bool:
        return role_allows(self.role, action)

    @property
    def can(self) -> dict[str, bool]:
        """For templates: `{% if request.access.can.ledger %}`."""
        return {action.value: role_allows(self.role, action) for action in Action}

    @property
    def role_label(self) -> str:
        return Role(self.role).label
