"""Rule: one customer never sees another's data. Every URL of the product,
found by walking the URL resolver, is opened with customer B's session and
anonymously, filled in with customer A's objects.

A pattern these tests cannot fill in fails `test_every_url_can_be_built`:
register its parameters in tests/core/routes.py rather than skip it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.core.routes import HISTORY_QUERY, ROUTES, UnbuildableRoute, address_for, response_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _leaks(world, response) -> list[str]:
    text = response_text(response)
    return [marker for marker in world.markers if marker in text]


def _no_client_errors(client: Client) -> Client:
    # A 500 must come back as a status to assert on, not as an exception.
    client.raise_request_exception = False
    return client


def test_every_url_can_be_built(world):
    problems = []
    for route in ROUTES:
        try:
            address_for(route, world)
        except UnbuildableRoute as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)
    assert len(ROUTES) >= 20  # the walk found the product's URLs, not an empty list


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_another_customer_gets_nothing_of_a(route, world, other_client):
    address = address_for(route, world)
    client = _no_client_errors(other_client)
    for method in ("get", "post"):
        response = getattr(client, method)(address.url, HISTORY_QUERY if method == "get" else None)
        status = response.status_code
        assert status < 500, f"{method.upper()} {address.url} as B: {status}"
        assert not _leaks(world, response), f"{method.upper()} {address.url} shows A's data to B"
        if address.owned:
            # A's object under B's session: as if it did not exist.
            assert status in (403, 404, 405), f"{method.upper()} {address.url} as B: {status}"
        elif address.secret:
            assert status in (400, 403, 404, 405), f"{method.upper()} {address.url} as B: {status}"


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.public], ids=str)
def test_anonymous_is_sent_to_sign_in(route, world):
    address = address_for(route, world)
    client = _no_client_errors(Client())
    for method in ("get", "post"):
        response = getattr(client, method)(address.url, HISTORY_QUERY if method == "get" else None)
        status = response.status_code
        assert not _leaks(world, response), f"{method.upper()} {address.url} shows A's data to anyone"
        if status in (302, 303):
            assert response["Location"].startswith(LOGIN), response["Location"]
        else:
            assert status in (404, 405), f"{method.upper()} {address.url} anonymously: {status}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.public], ids=str)
def test_public_pages_show_no_customer_data(route, world):
    address = address_for(route, world)
    client = _no_client_errors(Client())
    for method in ("get", "post"):
        response = getattr(client, method)(address.url, HISTORY_QUERY if method == "get" else None)
        assert response.status_code < 500, f"{method.upper()} {address.url}: {response.status_code}"
        assert not _leaks(world, response), f"{method.upper()} {address.url} shows A's data to anyone"


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.public], ids=str)
def test_the_owner_does_open_the_same_urls(route, world):
    """The control: the addresses above really are A's, so a 404 for B means refused, not mistyped."""
    address = address_for(route, world)
    response = _no_client_errors(client_for(world.a)).get(address.url, HISTORY_QUERY)
    assert response.status_code in (200, 405), f"GET {address.url} as A: {response.status_code}"
    if response.status_code == 200:
        # Every cabinet page, download included, names A's contract somewhere:
        # so the same search in B's answers would find a leak.
        assert _leaks(world, response), f"{address.url} shows none of A's data to A"


def test_markers_are_on_as_own_pages(world):
    """The control for the leak check: A's own pages do show the strings searched for."""
    client = client_for(world.a)
    seen = set()
    for name in ("cabinet:home", "accounts:requisites", "appeals:list"):
        seen.update(_leaks(world, client.get(reverse(name))))
    seen.update(_leaks(world, client.get(reverse("appeals:detail", args=[world.appeal.number]))))
    seen.update(_leaks(world, client.get(reverse("settlements:charges"), HISTORY_QUERY)))
    assert {"12345-ЭС", "10\u00a0339,57", "5\u00a0392,46", "Секретова Альфа", world.appeal.number} <= seen


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.public], ids=str)
def test_an_account_without_a_contract_gets_no_cabinet(route, world):
    """A staff account (no contract, no permissions) is nobody's customer."""
    staff = get_user_model().objects.create_user(username="operator", password="x-Staff-2024", is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    address = address_for(route, world)
    for method in ("get", "post"):
        response = getattr(client, method)(address.url, HISTORY_QUERY if method == "get" else None)
        assert response.status_code in (403, 404, 405), (
            f"{method.upper()} {address.url}: {response.status_code}"
        )
        assert not _leaks(world, response), f"{method.upper()} {address.url} shows A's data to staff"
