"""People of a contract: merging accounts that share an e-mail.

Before memberships every contract had an account of its own, so one person
may hold several under one e-mail. Such an address cannot sign in by e-mail
(which account is meant?) until staff merge them: the memberships move to
one account, and the others are switched off.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.sessions import user_sessions_end

# Which role a merged membership keeps when both accounts had one on the
# same contract: the one that allows more.
RANK = {Role.ADMIN: 3, Role.ACCOUNTANT: 2, Role.ENGINEER: 2, Role.VIEWER: 1}


@dataclass(frozen=True)
class Merge:
    kept: User
    merged: list[User]
    moved: int  # memberships moved to `kept`


def _keeper(accounts: list[User]) -> User:
    """The account that signed in last (the one the person uses), else the oldest."""
    signed_in = [user for user in accounts if user.last_login is not None]
    if signed_in:
        return max(signed_in, key=lambda user: (user.last_login, -user.pk))
    return min(accounts, key=lambda user: user.pk)


@transaction.atomic
def accounts_merge(*, users: list[User]) -> list[Merge]:
    """Merges each group of the given customers' accounts that share an
    e-mail (in any case): the memberships of the others move to the one kept
    (a role on a contract both had is the one that allows more), and the
    others are switched off, their sessions ended. Staff accounts and
    accounts without an e-mail are left alone."""
    groups: dict[str, list[User]] = defaultdict(list)
    for user in users:
        if user.email and not user.is_staff and user.is_active:
            groups[user.email.strip().lower()].append(user)
    merges = []
    for accounts in groups.values():
        if len(accounts) < 2:
            continue
        kept = _keeper(accounts)
        merged = [user for user in accounts if user.pk != kept.pk]
        moved = 0
        for user in merged:
            moved += _memberships_move(source=user, target=kept)
            user.is_active = False
            user.save(update_fields=["is_active"])
            user_sessions_end(user=user)
        merges.append(Merge(kept=kept, merged=merged, moved=moved))
    return merges


def _memberships_move(*, source: User, target: User) -> int:
    held = {m.contract_id: m for m in Membership.objects.select_for_update().filter(user=target)}
    moved = 0
    for membership in Membership.objects.select_for_update().filter(user=source):
        mine = held.get(membership.contract_id)
        if mine is None:
            Membership.objects.filter(pk=membership.pk).update(user=target)
        else:
            if RANK[Role(membership.role)] > RANK[Role(mine.role)]:
                Membership.objects.filter(pk=mine.pk).update(role=membership.role)
            membership.delete()
        moved += 1
    return moved
