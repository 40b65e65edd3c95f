"""«Сотрудники»: the people of a contract, their roles, and invitations.

A contract's administrator invites a colleague by e-mail with a role on
some of the contracts they administer; the letter carries a one-time link
(only its SHA-256 is stored, as with registration links) that works for
INVITATION_HOURS. Opening it, a new person sets a name and a password; a
person who already has an account just gets the contracts added. The
administrator changes roles and removes access; a contract always keeps at
least one Администратор. Every change is recorded in the journal.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.backends import email_accounts
from accounts.journal import Kind, Origin, journal_record, person_display
from accounts.models import Contract, Invitation, Membership, User
from accounts.roles import Role
from accounts.sessions import user_sessions_end
from outbox.services import email_queue

INVITATION_HOURS = 72
# Seconds between two letters of one invitation.
RESEND_AFTER = 60

LAST_ADMIN = (
    "У договора {number} должен остаться хотя бы один администратор. "
    "Сначала назначьте администратором другого сотрудника."
)


class PeopleError(Exception):
    """A change of people refused; the text is for the administrator."""


class InvitationInvalid(Exception):
    """The invitation link cannot be used; `gone` when it existed (used,
    cancelled, expired: 410), else it is unknown or forged (404)."""

    def __init__(self, message: str, *, gone: bool):
        super().__init__(message)
        self.gone = gone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Reads.


def contract_people(*, contract: Contract) -> QuerySet[Membership]:
    """The people of the contract with their roles, in the order they were added."""
    return Membership.objects.filter(contract=contract).select_related("user").order_by("created_at", "pk")


def contract_invitations(*, contract: Contract) -> QuerySet[Invitation]:
    """Invitations to the contract not yet accepted or cancelled (expired ones too)."""
    return (
        Invitation.objects.filter(contracts=contract, accepted_at__isnull=True, cancelled_at__isnull=True)
        .select_related("invited_by")
        .prefetch_related(Prefetch("contracts", queryset=Contract.objects.order_by("number")))
        .order_by("-created_at")
    )


def administered_contracts(*, user: User) -> QuerySet[Contract]:
    """The registered contracts where the person is Администратор: those they may invite to."""
    return (
        Contract.objects.filter(
            memberships__user=user, memberships__role=Role.ADMIN, registered_at__isnull=False
        )
        .select_related("organization")
        .order_by("number")
    )


def invitation_expired(invitation: Invitation, *, now: dt.datetime | None = None) -> bool:
    return invitation.expires_at <= (now or timezone.now())


# Inviting.


def _letter_queue(*, invitation: Invitation, contracts: list[Contract], token: str, link_for) -> None:
    email_queue(
        name="invitation",
        secret=True,
        to=[invitation.email],
        context={
            "inviter": person_display(invitation.invited_by),
            "contracts": contracts,
            "role": invitation.get_role_display(),
            "link": link_for(token),
            "hours": INVITATION_HOURS,
        },
    )


def _contracts_text(contracts: list[Contract]) -> str:
    return ", ".join(contract.number for contract in contracts)


@transaction.atomic
def invitation_create(
    *,
    inviter: User,
    email: str,
    role: str,
    contracts: list[Contract],
    link_for: Callable[[str], str],
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> Invitation:
    """Invites `email` with `role` on `contracts` (each one the inviter
    administers: the caller's form offers only those) and queues the letter
    with the link, in the same transaction. Raises PeopleError when the
    person already has access to one of them or is invited there already."""
    now = now or timezone.now()
    email = email.strip()
    member = (
        Membership.objects.filter(contract__in=contracts, user__email__iexact=email, user__is_active=True)
        .select_related("contract")
        .first()
    )
    if member is not None:
        raise PeopleError(f"У {email} уже есть доступ к договору {member.contract.number}.")
    pending = (
        Invitation.objects.filter(
            contracts__in=contracts,
            email__iexact=email,
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
        )
        .distinct()
        .exists()
    )
    if pending:
        raise PeopleError(
            f"{email} уже приглашен. Отправьте приглашение повторно или отмените его и пригласите заново."
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        invited_by=inviter,
        token_hash=token_hash(token),
        created_at=now,
        sent_at=now,
        expires_at=now + dt.timedelta(hours=INVITATION_HOURS),
    )
    invitation.contracts.set(contracts)
    _letter_queue(invitation=invitation, contracts=contracts, token=token, link_for=link_for)
    for contract in contracts:
        journal_record(
            action=Kind.PERSON_INVITED,
            user=inviter,
            contract=contract,
            details=f"{email}, роль «{invitation.get_role_display()}»",
            origin=origin,
        )
    return invitation


def resend_wait(invitation: Invitation, *, now: dt.datetime | None = None) -> int:
    """Seconds before the invitation's letter may be sent again (0: now)."""
    passed = ((now or timezone.now()) - invitation.sent_at).total_seconds()
    return max(0, int(RESEND_AFTER - passed + 0.999))


@transaction.atomic
def invitation_resend(
    *,
    invitation: Invitation,
    by: User,
    link_for: Callable[[str], str],
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> Invitation:
    """A new letter with a new link, valid INVITATION_HOURS again; the old
    link dies. Refused within RESEND_AFTER of the last letter."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise PeopleError("Приглашение уже принято или отменено.")
    wait = resend_wait(invitation, now=now)
    if wait:
        raise PeopleError(f"Письмо только что отправлено. Повторно отправить можно через {wait} с.")
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(hours=INVITATION_HOURS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    contracts = list(invitation.contracts.select_related("organization").order_by("number"))
    _letter_queue(invitation=invitation, contracts=contracts, token=token, link_for=link_for)
    for contract in contracts:
        journal_record(
            action=Kind.INVITATION_RESENT, user=by, contract=contract, details=invitation.email, origin=origin
        )
    return invitation


@transaction.atomic
def invitation_cancel(
    *, invitation: Invitation, by: User, origin: Origin | None = None, now: dt.datetime | None = None
) -> None:
    """The link stops working at once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise PeopleError("Приглашение уже принято или отменено.")
    invitation.cancelled_at = now or timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    for contract in invitation.contracts.order_by("number"):
        journal_record(
            action=Kind.INVITATION_CANCELLED,
            user=by,
            contract=contract,
            details=invitation.email,
            origin=origin,
        )


# Accepting.

UNKNOWN_LINK = "Ссылка приглашения неверна. Проверьте, что она скопирована из письма целиком."
USED_LINK = "Приглашение уже принято. Войдите в личный кабинет по e-mail и паролю."
CANCELLED_LINK = (
    "Приглашение отменено. Если доступ нужен, попросите администратора договора пригласить вас снова."
)
EXPIRED_LINK = (
    "Срок действия приглашения истек. Попросите администратора договора отправить приглашение повторно."
)
REVOKED_LINK = (
    "Приглашение больше не действует: пригласивший вас сотрудник больше не администратор договора. "
    "Попросите администратора договора пригласить вас снова."
)


def invitation_by_token(*, token: str, now: dt.datetime | None = None, lock: bool = False) -> Invitation:
    """The pending invitation the link belongs to; raises InvitationInvalid."""
    invitations = Invitation.objects.all()
    if lock:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise InvitationInvalid(UNKNOWN_LINK, gone=False)
    if invitation.accepted_at is not None:
        raise InvitationInvalid(USED_LINK, gone=True)
    if invitation.cancelled_at is not None:
        raise InvitationInvalid(CANCELLED_LINK, gone=True)
    if invitation_expired(invitation, now=now):
        raise InvitationInvalid(EXPIRED_LINK, gone=True)
    if not invitation_contracts(invitation).exists():
        raise InvitationInvalid(REVOKED_LINK, gone=True)
    return invitation


def invitation_contracts(invitation: Invitation) -> QuerySet[Contract]:
    """The invitation's contracts that its inviter still administers: access
    is given only by someone who may still give it, so an administrator
    removed or demoted after sending an invitation leaves it void there."""
    return (
        invitation.contracts.filter(
            memberships__user_id=invitation.invited_by_id, memberships__role=Role.ADMIN
        )
        .select_related("organization")
        .order_by("number")
    )


@dataclass(frozen=True)
class Invitee:
    """Who accepts: `account` when the e-mail has one (accepting adds the
    contracts to it), `signed_in` when the browser is signed in as it;
    `ambiguous` when several accounts share the e-mail and none is signed in."""

    account: User | None
    signed_in: bool = False
    ambiguous: bool = False


def invitation_invitee(*, invitation: Invitation, user: User | None) -> Invitee:
    accounts = list(email_accounts(invitation.email).order_by("pk")[:10])
    if user is not None and any(account.pk == user.pk for account in accounts):
        return Invitee(account=user, signed_in=True)
    if len(accounts) == 1:
        return Invitee(account=accounts[0])
    if len(accounts) > 1:
        return Invitee(account=None, ambiguous=True)
    return Invitee(account=None)


def _free_username(email: str) -> str:
    base = email.strip().lower()[:140]
    username, suffix = base, 1
    while User.objects.filter(username__iexact=username).exists():
        suffix += 1
        username = f"{base}#{suffix}"
    return username


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    account: User | None,
    full_name: str = "",
    password: str = "",
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Accepts the invitation once: adds its contracts with its role to
    `account` (an existing person, whose identity the caller has checked),
    or makes a new person with `full_name` and `password`. A contract the
    person already has keeps their role there. Raises InvitationInvalid."""
    now = now or timezone.now()
    invitation = invitation_by_token(token=token, now=now, lock=True)
    if account is None:
        user = User(username=_free_username(invitation.email), email=invitation.email, first_name=full_name)
        user.set_password(password)
        user.save()
    else:
        user = account
    for contract in invitation_contracts(invitation):
        _, created = Membership.objects.get_or_create(
            user=user,
            contract=contract,
            defaults={"role": invitation.role, "created_by": invitation.invited_by, "created_at": now},
        )
        if created:
            journal_record(
                action=Kind.INVITATION_ACCEPTED,
                user=user,
                contract=contract,
                details=f"Роль «{invitation.get_role_display()}»",
                origin=origin,
            )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


# Roles and removal.


def _admins_left(*, contract: Contract, without: Membership) -> int:
    """Administrators of the contract besides `without`, under the contract's
    row lock, so that two administrators demoting each other at the same
    moment cannot leave none."""
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    return Membership.objects.filter(contract=contract, role=Role.ADMIN).exclude(pk=without.pk).count()


@transaction.atomic
def membership_role_change(
    *, membership: Membership, role: str, by: User | None, origin: Origin | None = None
) -> Membership:
    """Sets the person's role on the contract; the last administrator stays one."""
    membership = Membership.objects.select_related("user", "contract").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and not _admins_left(contract=membership.contract, without=membership):
        raise PeopleError(LAST_ADMIN.format(number=membership.contract.number))
    before = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    journal_record(
        action=Kind.ROLE_CHANGED,
        user=by,
        contract=membership.contract,
        details=f"{person_display(membership.user)}: «{before}» → «{membership.get_role_display()}»",
        origin=origin,
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None, origin: Origin | None = None) -> int:
    """Takes the person's access to the contract away, at once: a session of
    theirs working on it finds no membership on its next request (the access
    is checked on every request, accounts.customers); with no contract left,
    their sessions end. The last administrator is not removed. Returns the
    number of sessions ended."""
    membership = Membership.objects.select_related("user", "contract").get(pk=membership.pk)
    if membership.role == Role.ADMIN and not _admins_left(contract=membership.contract, without=membership):
        raise PeopleError(LAST_ADMIN.format(number=membership.contract.number))
    person = membership.user
    membership.delete()
    journal_record(
        action=Kind.PERSON_REMOVED,
        user=by,
        contract=membership.contract,
        details=f"{person_display(person)}, роль «{membership.get_role_display()}»",
        origin=origin,
    )
    if not Membership.objects.filter(user=person).exists():
        return user_sessions_end(user=person)
    return 0


def membership_added_by_staff(*, membership: Membership, by: User, origin: Origin | None = None) -> None:
    """Records a person staff added to a contract in admin."""
    journal_record(
        action=Kind.PERSON_ADDED,
        user=by,
        contract=membership.contract,
        details=f"{person_display(membership.user)}, роль «{membership.get_role_display()}»",
        origin=origin,
    )


def membership_removed_by_staff(*, membership: Membership, by: User, origin: Origin | None = None) -> int:
    """Records a person staff removed from a contract in admin (the row is
    deleted already); with no contract left, their sessions end."""
    journal_record(
        action=Kind.PERSON_REMOVED,
        user=by,
        contract=membership.contract,
        details=f"{person_display(membership.user)}, роль «{membership.get_role_display()}»",
        origin=origin,
    )
    if not Membership.objects.filter(user_id=membership.user_id).exists():
        return user_sessions_end(user=membership.user)
    return 0
