"""Admin sign-in is limited per address and per user name, its code step per
staff member: over a limit the cabinet's 429 page, and nobody signed in,
even with the right password."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from pytest_django.asserts import assertContains, assertRedirects

from tests.staff.conftest import CODE, app_code, device_of, make_staff, password_step

pytestmark = pytest.mark.django_db


def assert_limited(response) -> None:
    assertContains(response, "Слишком много попыток", status_code=429)
    assert int(response["Retry-After"]) > 0


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.1.{n // 250}.{n % 250 + 1}")


def test_sixty_wrong_passwords_then_the_right_one_is_refused(client, staff):
    answers = [password_step(client, password=f"Wrong-{n}-2024").status_code for n in range(60)]
    assert 429 in answers and set(answers) <= {400, 429}
    response = password_step(client)
    assert_limited(response)
    assert SESSION_KEY not in client.session
    assert "staff_sign_in" not in client.session


def test_one_address_trying_many_user_names_is_stopped(client, staff):
    for n in range(20):
        assert password_step(client, username=f"guess-{n}", password="Wrong-2024").status_code == 400
    assert_limited(password_step(client))
    assert "staff_sign_in" not in client.session
    # Another address is not held back by it.
    assertRedirects(password_step(from_address(99)), CODE, fetch_redirect_response=False)


def test_one_user_name_from_rotating_addresses_is_stopped(staff):
    for n in range(10):
        # Any letter case is the same user name.
        username = "OPERATOR" if n % 2 else "operator"
        assert password_step(from_address(n), username=username, password="Wrong-2024").status_code == 400
    last = from_address(10)
    assert_limited(password_step(last))
    assert "staff_sign_in" not in last.session
    # Another user name from the same address is not held back by it.
    make_staff("accountant")
    assert password_step(last, username="accountant").status_code == 302


def test_codes_are_limited_per_staff_member(staff):
    clients = [from_address(n) for n in range(4)]
    for client in clients:
        assert password_step(client).status_code == 302
    for n in range(10):
        # Wrong, or not even checked yet after the one before (django-otp's back-off): counted either way.
        assertContains(clients[n % 3].post(CODE, {"code": "00000" + str(n)}), "код", status_code=400)
    # A fresh sign-in by password does not get new tries, nor does the right code pass.
    assert_limited(clients[3].post(CODE, {"code": app_code(device_of(staff).key)}))
    assert SESSION_KEY not in clients[3].session
