"""tests/demo.py: the demo copied back in is the demo seed_demo builds, row
for row; whatever could make the two differ gets the command itself."""

import datetime as dt

import pytest
from django.db import transaction

from accounts.models import Contract
from tests.conftest import make_contract
from tests.demo import DemoSeed
from tests.tables import table_digests

pytestmark = pytest.mark.django_db


def _fingerprint() -> dict[str, str]:
    """Each table's rows as text, hashed (the tables migrate fills aside)."""
    return table_digests(DemoSeed._tables())


def test_the_copied_demo_is_the_one_seed_demo_builds():
    seeding = DemoSeed()
    with transaction.atomic():
        seeding()
        built = _fingerprint()
        transaction.set_rollback(True)
    assert seeding.copies == 0
    assert Contract.objects.count() == 0

    seeding()

    assert seeding.copies == 1
    assert _fingerprint() == built
    assert Contract.objects.filter(number="12345-ЭС").exists()


def test_a_database_with_rows_of_its_own_gets_the_command():
    seeding = DemoSeed()
    with transaction.atomic():
        seeding()
        transaction.set_rollback(True)
    make_contract(number="20001-ЭС", inn="7415061109", kpp="741501001", name="ООО «Своя»")

    seeding()

    assert seeding.copies == 0
    assert set(Contract.objects.values_list("number", flat=True)) >= {"12345-ЭС", "20001-ЭС"}


def test_a_moved_clock_gets_the_command(clock):
    seeding = DemoSeed()
    with transaction.atomic():
        seeding()
        transaction.set_rollback(True)
    clock.set_local(dt.date(2028, 7, 10))

    seeding()

    assert seeding.copies == 0
    # The history runs to the moved clock's month, as only seed_demo itself makes it.
    assert Contract.objects.get(number="12345-ЭС").invoices.filter(date__year=2028).exists()
