"""Rule: a page costs the same queries whatever the number of contracts the
person holds. Every cabinet URL (found by walking the URL resolver) is
opened on customer A's contract by a person with 1 contract and with 20,
and by A's own account with 1, 2 and 20; each is counted once kept in the
cache (enser_cabinet/versioned.py), so that the count does not depend on
who opened it first."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from accounts.roles import Role
from tests.conftest import client_for, make_contract, make_person, person_client
from tests.core.routes import HISTORY_QUERY, ROUTES, address_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]

CABINET = [route for route in ROUTES if not route.public]


def _counts(client: Client, world) -> dict[str, int]:
    counts = {}
    for route in CABINET:
        url = address_for(route, world).url
        if client.get(url, HISTORY_QUERY).status_code == 405:
            continue  # POST only
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HISTORY_QUERY)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        counts[route.name] = len(queries)
    return counts


@pytest.fixture
def nineteen_more(world):
    return [make_contract(number=f"{40000 + index}-ЭС") for index in range(19)]


def test_a_persons_pages_cost_the_same_with_1_and_20_contracts(world, nineteen_more):
    one = make_person(email="one@example.ru", roles={world.a: Role.ADMIN})
    roles = dict.fromkeys([world.a, *nineteen_more], Role.ADMIN)
    twenty = make_person(email="twenty@example.ru", roles=roles)
    counts = _counts(person_client(one, contract=world.a), world)
    assert counts == _counts(person_client(twenty, contract=world.a), world)
    assert {"cabinet:home", "cabinet:contract-select", "settlements:settlements"} <= set(counts)


def test_a_contracts_own_account_pays_no_query_for_its_other_contracts_whatever_their_number(
    world, nineteen_more
):
    """The account of a contract with that one only reads its role with the
    user; with others its memberships are read once and kept under their
    digest, read with the user (accounts/customers.py): the pages cost the
    same with 1, 2 or 20 contracts."""
    alone = _counts(client_for(world.a), world)
    Membership.objects.create(user=world.a.user, contract=nineteen_more[0], role=Role.ADMIN)
    two = _counts(client_for(world.a), world)
    Membership.objects.bulk_create(
        Membership(user=world.a.user, contract=contract, role=Role.ADMIN) for contract in nineteen_more[1:]
    )
    assert two == _counts(client_for(world.a), world)
    assert two == alone
