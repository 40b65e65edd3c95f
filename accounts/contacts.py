"""The customer's contacts on "Реквизиты и контакты": one row per position."""

from dataclasses import dataclass

from django.db import transaction

from accounts.journal import Kind, Origin, journal_record
from accounts.models import ContactPerson, Contract, User

POSITIONS = list(ContactPerson.Position)


@dataclass(frozen=True)
class ContactRow:
    position: ContactPerson.Position
    person: ContactPerson | None

    @property
    def is_filled(self) -> bool:
        person = self.person
        return person is not None and bool(person.full_name or person.phone or person.email)


def contacts_for(*, contract: Contract) -> list[ContactRow]:
    """Руководитель, Главный инженер, Главный бухгалтер, in this order, filled or not."""
    people = {person.position: person for person in ContactPerson.objects.filter(contract=contract)}
    return [ContactRow(position=position, person=people.get(position)) for position in POSITIONS]


@transaction.atomic
def contacts_save(
    *, contract: Contract, values: dict[str, dict], user: User | None = None, origin: Origin | None = None
) -> None:
    """Writes each position's ФИО, phone and e-mail; a position left empty is
    removed. The journal records who changed them."""
    journal_record(action=Kind.CONTACTS_CHANGED, user=user, contract=contract, origin=origin)
    for position in POSITIONS:
        data = values.get(position.value)
        if data is None:
            continue
        if not any(data.get(field) for field in ("full_name", "phone", "email")):
            ContactPerson.objects.filter(contract=contract, position=position).delete()
            continue
        ContactPerson.objects.update_or_create(
            contract=contract,
            position=position,
            defaults={
                "full_name": data.get("full_name", ""),
                "phone": data.get("phone") or "",
                "email": data.get("email", ""),
            },
        )
