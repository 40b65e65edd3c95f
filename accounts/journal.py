"""«Журнал действий»: who did what in the cabinet, for the customer's
administrator and for staff.

Every app records through `journal_record` (the apps above accounts call it
downward; accounts knows nothing of them), inside the transaction of what it
records, so a change that rolls back leaves no line, and a line always has
its change. Records are never changed or deleted.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ActionRecord, Contract, User
from accounts.roles import Role
from accounts.signals import security_event_send
from enser_cabinet.http import client_ip

Kind = ActionRecord.Kind
PAGE_SIZE = 50
# Journal lines the security log keeps too, as its kinds (security.models.SecurityEvent.Kind).
SECURITY_KINDS = {
    Kind.CONTACTS_CHANGED: "contacts_changed",
    Kind.PASSWORD_CHANGED: "password_changed",
    Kind.PASSWORD_RESET: "password_reset",
    **{
        kind: "people_changed"
        for kind in (
            Kind.PERSON_INVITED,
            Kind.INVITATION_RESENT,
            Kind.INVITATION_CANCELLED,
            Kind.INVITATION_ACCEPTED,
            Kind.PERSON_ADDED,
            Kind.ROLE_CHANGED,
            Kind.PERSON_REMOVED,
            Kind.CONTRACT_ADDED,
        )
    },
}


@dataclass(frozen=True)
class Origin:
    """Where an action came from: the browser's address and its User-Agent."""

    ip: str | None = None
    user_agent: str = ""


def origin_of(request: HttpRequest) -> Origin:
    return Origin(
        ip=client_ip(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def person_display(user: User | None) -> str:
    """How a person reads in the journal and on «Сотрудники»: the name and
    the e-mail, or the account's contract number (a contract's own account
    may have neither name nor e-mail)."""
    if user is None:
        return "—"
    name = user.get_full_name().strip()
    contact = user.email or user.username
    if user.is_staff:
        return f"Сотрудник АО «ЭнСер» {name or user.username}"
    return f"{name} ({contact})" if name else contact


def journal_record(
    *,
    action: str,
    user: User | None,
    contract: Contract | None,
    details: str = "",
    origin: Origin | None = None,
) -> ActionRecord:
    """Appends one line to the journal; the lines that matter to security
    go to the security log as well (security app, through accounts.signals)."""
    origin = origin or Origin()
    kind = SECURITY_KINDS.get(action)
    if kind is not None:
        label = Kind(action).label
        security_event_send(
            kind, user=user, contract=contract, origin=origin, details=f"{label}. {details}".strip(". ")
        )
    return ActionRecord.objects.create(
        at=timezone.now(),
        user=user,
        user_display=person_display(user)[:300],
        contract=contract,
        action=action,
        details=details,
        ip=origin.ip,
        user_agent=origin.user_agent,
    )


def journal_contracts(*, user: User) -> QuerySet[Contract]:
    """The contracts whose journal the person may read: where they are Администратор."""
    return Contract.objects.filter(
        memberships__user=user, memberships__role=Role.ADMIN, registered_at__isnull=False
    ).order_by("number")


def journal_people(*, contracts: list[Contract]) -> list[tuple[int, str]]:
    """Who may be chosen in the journal's filter: everyone recorded on these contracts."""
    rows = (
        ActionRecord.objects.filter(contract__in=contracts, user__isnull=False)
        .values_list("user_id", "user_display")
        .order_by("user_display", "user_id")
        .distinct()
    )
    seen: dict[int, str] = {}
    for user_id, display in rows:
        seen.setdefault(user_id, display)
    return sorted(seen.items(), key=lambda item: item[1].casefold())


def journal_page(
    *, contracts: list[Contract], contract_id: int | None, user_id: int | None, page: str | int | None
) -> Page:
    """A page of the journal of `contracts` (newest first), of one contract
    and one person when given. Two queries, however many lines."""
    records = ActionRecord.objects.filter(contract__in=contracts)
    if contract_id is not None:
        records = records.filter(contract_id=contract_id)
    if user_id is not None:
        records = records.filter(Q(user_id=user_id))
    records = records.select_related("contract").order_by("-at", "-pk")
    return Paginator(records, PAGE_SIZE).get_page(page)
