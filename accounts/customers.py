"""Which contract a request works on, and with which role: the one answer to
"is this a customer with a cabinet?". Every view that asks, asks here.

A person may hold several contracts (memberships); the one the tabs show is
kept in the session, chosen with the contract switcher, and checked against
the memberships on every request. Adding another contract of the same
organization is here too, since it is the same question asked the other way:
may this person work on that contract?"""

import enum
import pickle
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.backends import MEMBERSHIPS_DIGEST, ContractPasswordBackend
from accounts.journal import Kind, Origin, journal_record
from accounts.models import Contract, Membership, User
from accounts.roles import Access, Role
from enser_cabinet.kept import KeptInProcess

# The contract a person chose (or signed in by), kept in the session. It is
# checked against the person's memberships on every request, so a removed
# membership takes effect at once.
CONTRACT_SESSION_KEY = "contract_id"

_UNSET = object()


def request_access(request: HttpRequest) -> Access | None:
    """The registered contract the person signed in on this request works on,
    with their role on it; None for anyone else (anonymous visitors, staff,
    a person without a membership on a registered contract). Also kept as
    `request.access` for the templates, and every contract the person holds
    as `request.contract_choices` (the switcher's list)."""
    cached = getattr(request, "access", _UNSET)
    if cached is not _UNSET:
        return cached
    user = request.user
    access, choices = None, []
    if user.is_authenticated:
        access, choices = _access_and_choices(user, request.session.get(CONTRACT_SESSION_KEY))
    request.access = access
    request.contract_choices = choices
    return access


def request_contract(request: HttpRequest) -> Contract | None:
    access = request_access(request)
    return access.contract if access is not None else None


def request_contracts(request: HttpRequest) -> list[Access]:
    """Every registered contract of the person, with their role on each, by
    number: read with request_access, so asking costs no query more."""
    request_access(request)
    return request.contract_choices


def user_access(*, user: User, contract_id: int | None = None) -> Access | None:
    """The person's access to contract `contract_id`, or, when that is not
    one of their registered contracts (none chosen, or the membership is
    gone), to their first one: the contract of their own account first,
    then by number."""
    return _access_and_choices(user, contract_id)[0]


def user_first_contract_id(*, user: User) -> int | None:
    access = user_access(user=user)
    return access.contract.pk if access is not None else None


def user_contracts(*, user: User) -> list[Access]:
    """Every registered contract the person has a membership of, with the
    role, by number: one query, however many there are."""
    memberships = (
        Membership.objects.select_related("contract__organization")
        .filter(user=user, contract__registered_at__isnull=False)
        .order_by("contract__number")
    )
    return [Access(contract=m.contract, role=Role(m.role)) for m in memberships]


# The contract lists of people with several contracts, pickled, by the
# person and the digest of their memberships read with them
# (accounts/backends.py): the same digest, the same rows.
_CHOICES_KEPT = KeptInProcess(4096)


def _contracts_kept(user: User) -> list[Access]:
    """user_contracts(user), read from the database only when the person's
    memberships, contracts or organizations changed since this process last
    read them. Each request gets objects of its own (unpickled)."""
    digest = getattr(user, MEMBERSHIPS_DIGEST, None)
    if digest is None:  # not read with the user (SQLite, a user from elsewhere)
        return user_contracts(user=user)
    key = (user.pk, digest)
    kept = _CHOICES_KEPT.get(key)
    if kept is not None:
        return pickle.loads(kept)  # noqa: S301 (pickled by this process, above)
    choices = user_contracts(user=user)
    _CHOICES_KEPT.set(key, pickle.dumps(choices, pickle.HIGHEST_PROTOCOL))
    return choices


def _access_and_choices(user: User, contract_id: int | None) -> tuple[Access | None, list[Access]]:
    """The access the request works on and the person's contracts. The
    sign-in backend reads with the user how many contracts they hold and
    their role on their own account's contract (`contracts_count`,
    `own_role`), so the usual customer, with one contract, costs no query
    here; anyone else costs one, with 1 contract or 20, only when their
    memberships or contracts changed since this process last read them
    (`_contracts_kept`)."""
    if getattr(user, "contracts_count", 2) <= 1 and contract_id in (None, user.contract_id):
        own = _own_contract_access(user)
        if own is not None:
            return own, [own]
    choices = _contracts_kept(user)
    if user.contract_id is not None and User.contract.is_cached(user) and not user.contract.is_registered:
        # The account's own contract as read with the user: its registration
        # reset since, it opens nothing.
        choices = [access for access in choices if access.contract.pk != user.contract_id]
    by_id = {access.contract.pk: access for access in choices}
    access = by_id.get(contract_id) or by_id.get(user.contract_id) or (choices[0] if choices else None)
    return access, choices


def _own_contract_access(user: User) -> Access | None:
    """The contract the account was made for, with the role read with the user."""
    if user.contract_id is None:
        return None
    contract = user.contract
    if not contract.is_registered:
        return None
    role = getattr(user, "own_role", _UNSET)
    if role is _UNSET:
        role = Membership.objects.filter(user=user, contract=contract).values_list("role", flat=True).first()
    return Access(contract=contract, role=Role(role)) if role else None


def contract_choose(*, user: User, contract_id: int) -> Access | None:
    """The person's access to the contract they chose in the switcher; None
    when it is not one of their registered contracts (the view answers 404
    and the session keeps what it had)."""
    membership = (
        Membership.objects.select_related("contract__organization")
        .filter(user=user, contract_id=contract_id, contract__registered_at__isnull=False)
        .first()
    )
    return Access(contract=membership.contract, role=Role(membership.role)) if membership else None


# "Добавить договор"


class AddOutcome(enum.Enum):
    ADDED = "added"
    ALREADY = "already"  # one of the person's contracts already
    UNREGISTERED = "unregistered"  # of the organization, but not registered in the cabinet yet
    REFUSED = "refused"  # unknown, wrong password or another organization: one answer for all


@dataclass(frozen=True)
class AddResult:
    outcome: AddOutcome
    contract: Contract | None = None


def contract_add(
    *, user: User, current: Contract, number: str, password: str, origin: Origin | None = None
) -> AddResult:
    """Makes the person Администратор of another registered contract of the
    organization of `current` (the same INN) when `password` is the password
    of that contract's own account, as signing in by its number would check.

    An unknown number, a wrong password and another organization's contract
    are refused alike, so that nobody learns which it was; only a contract of
    the same organization that is not registered yet is named, since its
    registration (the manual's way: its number and the INN) must come first.
    `number` is normalized (accounts.validators)."""
    held = next((a.contract for a in user_contracts(user=user) if a.contract.number == number), None)
    if held is not None:
        return AddResult(AddOutcome.ALREADY, held)
    inn = current.organization.inn
    contract = Contract.objects.select_related("organization").filter(number=number).first()
    if contract is not None and not contract.is_registered and contract.organization.inn == inn:
        make_password(password)  # as long as a wrong password takes
        return AddResult(AddOutcome.UNREGISTERED, contract)
    account = ContractPasswordBackend().authenticate(None, contract_number=number, secret=password)
    if account is None or account.contract.organization.inn != inn:
        return AddResult(AddOutcome.REFUSED)
    try:
        with transaction.atomic():
            Membership.objects.create(user=user, contract=account.contract, role=Role.ADMIN, created_by=user)
            journal_record(
                action=Kind.CONTRACT_ADDED,
                user=user,
                contract=account.contract,
                details=f"Администратор, добавлен по паролю договора из кабинета договора {current.number}",
                origin=origin,
            )
    except IntegrityError:
        # Added a moment ago by the person's other request.
        return AddResult(AddOutcome.ALREADY, account.contract)
    return AddResult(AddOutcome.ADDED, account.contract)


def contract_registration_start(*, current: Contract, number: str) -> Contract | None:
    """The contract whose registration a person of `current` may open from
    "Добавить договор": unregistered and of the same organization (they know
    its INN, which is all the manual's first sign-in asks); else None."""
    contract = Contract.objects.select_related("organization").filter(number=number).first()
    if contract is None or contract.is_registered or contract.organization.inn != current.organization.inn:
        return None
    return contract
