"""Every cabinet page, found by walking the URL resolver: kept by no browser
or proxy (`Cache-Control: no-store`), and closed to anyone not signed in."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.routes import HISTORY_QUERY, ROUTES, address_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CABINET = [route for route in ROUTES if not route.public]


def test_the_walk_finds_the_pages_the_issue_named():
    names = {route.name for route in CABINET}
    assert {"cabinet:home", "accounts:requisites", "meters:readings", "appeals:list"} <= names


@pytest.mark.parametrize("route", CABINET, ids=str)
def test_a_cabinet_page_is_not_stored(route, world, customer_client):
    address = address_for(route, world)
    customer_client.raise_request_exception = False
    response = customer_client.get(address.url, HISTORY_QUERY)
    assert response.status_code < 400, f"GET {address.url}: {response.status_code}"
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, f"GET {address.url}: Cache-Control {cache_control!r}"


@pytest.mark.parametrize("route", CABINET, ids=str)
def test_anonymous_is_sent_to_sign_in_without_a_stored_copy(route, world):
    address = address_for(route, world)
    response = Client().get(address.url, HISTORY_QUERY)
    assert response.status_code == 302, f"GET {address.url}: {response.status_code}"
    assert response["Location"].startswith(f"{LOGIN}?next="), response["Location"]
    assert "no-store" in response.get("Cache-Control", "")
