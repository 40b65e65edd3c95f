"""Rule: one contract's URLs never show another's data, even to a person who
holds both. Every URL of the product that carries an id of customer A's
objects (found by walking the URL resolver) is opened by a person of both
A and a second contract of the same organization, working on the second:
as if the object did not exist. And no query string chooses the contract."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.conftest import make_contract, make_person, person_client
from tests.core.routes import HISTORY_QUERY, ROUTES, address_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]


@pytest.fixture
def both(world) -> tuple[Client, Client]:
    """The same person's sessions on A and on 12346-ЭС (of A's organization)."""
    second = make_contract(number="12346-ЭС")
    person = make_person(email="both@teplo.example", roles={world.a: Role.ADMIN, second: Role.ADMIN})
    return person_client(person, contract=world.a), person_client(person, contract=second)


def test_as_objects_are_not_found_from_the_other_contract(world, both):
    on_a, on_second = both
    checked, problems = [], []
    for route in ROUTES:
        address = address_for(route, world)
        if not address.owned:
            continue
        if on_a.get(address.url, HISTORY_QUERY).status_code != 200:
            continue  # a form that answers POST only
        checked.append(route.name)
        for method in ("get", "post"):
            status = getattr(on_second, method)(address.url).status_code
            if status not in (403, 404, 405):
                problems.append(f"{method.upper()} {address.url} on 12346-ЭС: {status}")
    assert not problems, "\n".join(problems)
    assert {"settlements:invoice", "meters:history", "appeals:detail", "paydocs:upd"} <= set(checked)


@pytest.mark.parametrize("name", ["cabinet:home", "settlements:settlements", "meters:readings"])
def test_no_query_string_opens_another_contract(world, both, name):
    _, on_second = both
    for query in ({"contract": world.a.number}, {"contract": world.a.pk}, {"contract_id": world.a.pk}):
        page = on_second.get(reverse(name), query).content.decode()
        assert "Номер Договора: <strong>12346-ЭС</strong>" in page, query
