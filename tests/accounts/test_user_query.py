"""The user's query of every request (accounts/backends.py): compiled once
per connection and run as a statement prepared on it, it gives the same
person, with their contract, organization and annotations, as the ORM's
queryset it was compiled from, and nobody for an id that is no person's."""

import pytest
from django.db import connection

from accounts.backends import ContractPasswordBackend, _users_with_what_pages_need, user_with_what_pages_need
from accounts.models import Membership, User
from accounts.roles import Role
from tests.conftest import make_contract, make_person

pytestmark = pytest.mark.django_db


def _columns(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _shown(user: User) -> dict:
    """Every column of the person, their contract and its organization as
    read with them, and the annotations."""
    contract = User.contract.field.get_cached_value(user) if user.contract_id else None
    annotations = ("own_role", "contracts_count", "unread_notifications", "memberships_digest")
    return {
        "user": _columns(user),
        "annotations": {name: getattr(user, name) for name in annotations},
        "contract": _columns(contract) if contract else None,
        "organization": _columns(contract.organization) if contract else None,
    }


def test_the_prepared_read_gives_what_the_orm_gives(contract):
    second = make_contract(number="12346-ЭС")
    Membership.objects.create(user=contract.user, contract=second, role=Role.ACCOUNTANT)
    person = make_person(email="buh@teplo.example", roles={second: Role.VIEWER})
    for user in (contract.user, person):
        expected = next(iter(_users_with_what_pages_need().filter(pk=user.pk)))
        read = user_with_what_pages_need(user.pk)
        assert _shown(read) == _shown(expected)
        assert read._state.db == "default" and not read._state.adding
    owner = user_with_what_pages_need(contract.user.pk)
    assert (owner.own_role, owner.contracts_count, owner.contract.number) == ("admin", 2, "12345-ЭС")
    assert owner.contract.organization.name == "ООО «Тепломонтаж»"
    assert user_with_what_pages_need(person.pk).contract_id is None


def test_the_read_is_a_prepared_statement_of_the_connection(contract):
    for _ in range(3):
        assert user_with_what_pages_need(contract.user.pk).pk == contract.user.pk
    assert _prepared_user_queries() == 1


def _prepared_user_queries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "accounts_user"."id"%'],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_without_prepared_statements_the_read_prepares_nothing():
    # DATABASE_PREPARED=false (a pooler that cannot keep prepared statements)
    # leaves prepare_threshold out of the connection's options.
    contract = make_contract()
    options = connection.settings_dict["OPTIONS"]
    connection.close()
    connection.settings_dict["OPTIONS"] = {k: v for k, v in options.items() if k != "prepare_threshold"}
    try:
        for _ in range(3):
            assert user_with_what_pages_need(contract.user.pk).pk == contract.user.pk
        assert _prepared_user_queries() == 0
    finally:
        connection.close()
        connection.settings_dict["OPTIONS"] = options  # the next connection prepares again


@pytest.mark.parametrize("user_id", [None, "", "abc", "1.5", -1, 0, 10**15, [1]])
def test_an_id_of_nobody_reads_nobody(contract, user_id):
    assert user_with_what_pages_need(user_id) is None
    assert ContractPasswordBackend().get_user(user_id) is None


def test_an_inactive_person_is_not_signed_in(contract):
    User.objects.filter(pk=contract.user.pk).update(is_active=False)
    assert user_with_what_pages_need(contract.user.pk) is not None
    assert ContractPasswordBackend().get_user(contract.user.pk) is None
