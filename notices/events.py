"""What a person can be told about, who may hear it, and on which channels.

One table: each event names the roles that may receive it (a role that may
not read a tab hears nothing of it), the roles that hear it unless they turn
it off, and whether it may go by SMS (only the two events a person acts on
at once, and only when they opt in).
"""

from dataclasses import dataclass

from django.db import models

from accounts.roles import RULES, Action, Role


class Event(models.TextChoices):
    INVOICE = "invoice", "Новое начисление"
    PAYMENT = "payment", "Поступление оплаты"
    WINDOW_OPEN = "window_open", "Открыт прием показаний"
    WINDOW_CLOSING = "window_closing", "Прием показаний закрывается через 2 дня"
    READING = "reading", "Показания отклонены или на проверке"
    VERIFICATION = "verification", "Срок поверки прибора учета"
    DEBT = "debt", "Напоминание о задолженности"
    APPEAL = "appeal", "Обращение: новый статус или ответ"
    ANNOUNCEMENT = "announcement", "Объявления АО «ЭнСер»"


class Channel(models.TextChoices):
    IN_APP = "in_app", "В кабинете"
    EMAIL = "email", "Письмо"
    SMS = "sms", "SMS"


ADMIN, ACCOUNTANT, ENGINEER, VIEWER = Role.ADMIN, Role.ACCOUNTANT, Role.ENGINEER, Role.VIEWER


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[Role]  # may receive it (and see it in settings)
    default: frozenset[Role]  # hear it unless they turn it off
    sms: bool = False  # SMS may be chosen (off by default)


_MONEY = RULES[Action.LEDGER]
_METERS = RULES[Action.METERS]
_EVERYONE = frozenset(Role)

RULES_BY_EVENT: dict[Event, Rule] = {
    Event.INVOICE: Rule(_MONEY, frozenset({ADMIN, ACCOUNTANT, VIEWER})),
    Event.PAYMENT: Rule(_MONEY, frozenset({ADMIN, ACCOUNTANT})),
    Event.WINDOW_OPEN: Rule(_METERS, frozenset({ADMIN, ENGINEER})),
    Event.WINDOW_CLOSING: Rule(_METERS, frozenset({ADMIN, ENGINEER}), sms=True),
    Event.READING: Rule(_METERS, frozenset({ADMIN, ENGINEER})),
    Event.VERIFICATION: Rule(_METERS, frozenset({ADMIN, ENGINEER})),
    Event.DEBT: Rule(_MONEY, frozenset({ADMIN, ACCOUNTANT}), sms=True),
    Event.APPEAL: Rule(RULES[Action.APPEALS_VIEW], frozenset({ADMIN})),
    # Staff's announcements (a planned shutdown at the address) concern everyone.
    Event.ANNOUNCEMENT: Rule(_EVERYONE, _EVERYONE),
}


def event_allowed(event: str, role: str) -> bool:
    return role in RULES_BY_EVENT[Event(event)].allowed


def events_for_role(role: str) -> list[Event]:
    return [event for event in Event if event_allowed(event, role)]


def channels_for(event: str) -> list[Channel]:
    if RULES_BY_EVENT[Event(event)].sms:
        return [Channel.IN_APP, Channel.EMAIL, Channel.SMS]
    return [Channel.IN_APP, Channel.EMAIL]


def default_channels(event: str, role: str) -> dict[str, bool]:
    """The role's defaults: in the cabinet and by letter when the role hears
    the event by default, never by SMS until the person opts in."""
    on = role in RULES_BY_EVENT[Event(event)].default
    return {Channel.IN_APP: on, Channel.EMAIL: on, Channel.SMS: False}
