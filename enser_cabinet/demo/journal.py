"""A few lines of «Журнал действий» and one pending invitation for ООО
«Тепломонтаж», so that the administrator's pages are not empty. Written
once: a second run finds the journal and adds nothing."""

import datetime as dt
import secrets

from django.db import transaction

from accounts.invitations import INVITATION_HOURS, token_hash
from accounts.journal import person_display
from accounts.models import ActionRecord, Contract, Invitation, User
from accounts.roles import Role

Kind = ActionRecord.Kind
DEMO_INVITED_EMAIL = "inzhener@teplomontazh.example"


@transaction.atomic
def demo_journal_seed(
    *, registered: Contract, second: Contract, accountant_email: str, now: dt.datetime
) -> int:
    """Returns how many journal lines were written (0 on a second run)."""
    if ActionRecord.objects.filter(contract__in=[registered, second]).exists():
        return 0
    administrator = User.objects.filter(contract=registered).first()
    accountant = User.objects.filter(username=accountant_email).first()
    if administrator is None or accountant is None:
        return 0
    days = dt.timedelta(days=1)
    lines = [
        (
            now - 20 * days,
            administrator,
            registered,
            Kind.PERSON_INVITED,
            f"{accountant_email}, роль «Бухгалтер»",
        ),
        (
            now - 20 * days,
            administrator,
            second,
            Kind.PERSON_INVITED,
            f"{accountant_email}, роль «Бухгалтер»",
        ),
        (now - 19 * days, accountant, registered, Kind.INVITATION_ACCEPTED, "Роль «Бухгалтер»"),
        (now - 19 * days, accountant, second, Kind.INVITATION_ACCEPTED, "Роль «Бухгалтер»"),
        (now - 12 * days, administrator, registered, Kind.CONTACTS_CHANGED, ""),
        (now - 5 * days, administrator, registered, Kind.READING_SUBMITTED, "Прибор № 001383"),
        (now - 3 * days, accountant, registered, Kind.PASSWORD_CHANGED, ""),
        (
            now - 1 * days,
            administrator,
            registered,
            Kind.PERSON_INVITED,
            f"{DEMO_INVITED_EMAIL}, роль «Инженер»",
        ),
    ]
    ActionRecord.objects.bulk_create(
        ActionRecord(
            at=at,
            user=user,
            user_display=person_display(user),
            contract=contract,
            action=action,
            details=details,
        )
        for at, user, contract, action, details in lines
    )
    # The link of this invitation went to a made-up address: nobody holds it.
    invitation = Invitation.objects.create(
        email=DEMO_INVITED_EMAIL,
        role=Role.ENGINEER,
        invited_by=administrator,
        token_hash=token_hash(secrets.token_urlsafe(32)),
        created_at=now - days,
        sent_at=now - days,
        expires_at=now - days + dt.timedelta(hours=INVITATION_HOURS),
    )
    invitation.contracts.set([registered])
    return len(lines)
