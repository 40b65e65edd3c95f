"""Which contract a request works on, and with which role: the one answer to
"is this a customer with a cabinet?". Every view that asks, asks here."""

from django.http import HttpRequest

from accounts.models import Contract, Membership, User
from accounts.roles import Access, Role

# The contract a person chose (or signed in by), kept in the session. It is
# checked against the person's memberships on every request, so a removed
# membership takes effect at once.
CONTRACT_SESSION_KEY = "contract_id"

_UNSET = object()


def request_access(request: HttpRequest) -> Access | None:
    """The registered contract the person signed in on this request works on,
    with their role on it; None for anyone else (anonymous visitors, staff,
    a person without a membership on a registered contract). Also kept as
    `request.access` for the templates."""
    cached = getattr(request, "access", _UNSET)
    if cached is not _UNSET:
        return cached
    user = request.user
    access = None
    if user.is_authenticated:
        access = user_access(user=user, contract_id=request.session.get(CONTRACT_SESSION_KEY))
    request.access = access
    return access


def request_contract(request: HttpRequest) -> Contract | None:
    access = request_access(request)
    return access.contract if access is not None else None


def user_access(*, user: User, contract_id: int | None = None) -> Access | None:
    """The person's access to contract `contract_id`, or, when that is not
    one of their registered contracts (none chosen, or the membership is
    gone), to their first one: the contract of their own account first,
    then by number."""
    if contract_id is not None and contract_id != user.contract_id:
        access = _membership_access(user, contract_id=contract_id)
        if access is not None:
            return access
    access = _own_contract_access(user)
    if access is not None:
        return access
    return _membership_access(user, exclude_own=user.contract_id is not None)


def user_first_contract_id(*, user: User) -> int | None:
    access = user_access(user=user)
    return access.contract.pk if access is not None else None


def _own_contract_access(user: User) -> Access | None:
    """The contract the account was made for. The sign-in backend reads the
    role with the user (`own_role`), so a customer on their own contract
    costs no query more than before memberships."""
    if user.contract_id is None:
        return None
    contract = user.contract
    if not contract.is_registered:
        return None
    role = getattr(user, "own_role", _UNSET)
    if role is _UNSET:
        role = Membership.objects.filter(user=user, contract=contract).values_list("role", flat=True).first()
    return Access(contract=contract, role=Role(role)) if role else None


def _membership_access(
    user: User, *, contract_id: int | None = None, exclude_own: bool = False
) -> Access | None:
    memberships = Membership.objects.select_related("contract__organization").filter(
        user=user, contract__registered_at__isnull=False
    )
    if contract_id is not None:
        memberships = memberships.filter(contract_id=contract_id)
    if exclude_own:
        memberships = memberships.exclude(contract_id=user.contract_id)
    membership = memberships.order_by("contract__number").first()
    if membership is None:
        return None
    return Access(contract=membership.contract, role=Role(membership.role))
