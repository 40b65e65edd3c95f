"""People of one contract in each role, and the letters and SMS queued for them."""

from types import SimpleNamespace

import pytest

from accounts.roles import Role
from outbox.models import OutgoingMessage
from tests.conftest import make_person


@pytest.fixture
def people(contract) -> SimpleNamespace:
    """12345-ЭС's own account (Администратор, buh@example.ru) and one person
    of each other role, each with a phone."""
    admin = contract.user
    admin.phone = "+79120000001"
    admin.save()
    people = SimpleNamespace(admin=admin)
    for number, role in enumerate([Role.ACCOUNTANT, Role.ENGINEER, Role.VIEWER], start=2):
        person = make_person(email=f"{role.value}@teplomontazh.example", roles={contract: role})
        person.phone = f"+7912000000{number}"
        person.save()
        setattr(people, role.value, person)
    return people


def letters(name: str = "notice") -> list[OutgoingMessage]:
    return list(
        OutgoingMessage.objects.filter(channel=OutgoingMessage.Channel.EMAIL, name=name).order_by("pk")
    )


def texts() -> list[OutgoingMessage]:
    return list(
        OutgoingMessage.objects.filter(channel=OutgoingMessage.Channel.SMS, name="notice").order_by("pk")
    )


@pytest.fixture
def choices(db) -> dict:
    """An appeal form's choices, as tests/appeals has them."""
    from appeals.models import AppealType, Branch, PremisesType

    premises, _ = PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")
    appeal_type, _ = AppealType.objects.get_or_create(name="Перерасчет")
    branch, _ = Branch.objects.get_or_create(name="АО «ЭнСер»", defaults={"email": "branch@rm-enser.ru"})
    return {"premises_type": premises, "appeal_type": appeal_type, "branch": branch}
