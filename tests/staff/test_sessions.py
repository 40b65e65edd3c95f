"""Staff sessions end 8 hours after the sign-in and after 30 minutes
without a request (the clock is django.utils.timezone.now, moved by the
`clock` fixture); customers' sessions are not touched."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from tests.conftest import client_for, staff_client_for
from tests.staff.conftest import CODE, INDEX, LOGIN, app_code, device_of, password_step

pytestmark = pytest.mark.django_db
OWN = reverse("admin:staff_secondfactor_changelist")


@pytest.fixture
def signed_in(client, staff, clock):
    """A staff member signed in through both steps at the clock's moment."""
    password_step(client)
    client.sign_in_response = client.post(CODE, {"code": app_code(device_of(staff).key)})
    assertRedirects(client.sign_in_response, INDEX)
    return client


def signed_out_with(client, text: str, asked: str = INDEX) -> None:
    response = client.get(asked)
    assertRedirects(response, f"{LOGIN}?next={asked}", fetch_redirect_response=False)
    assert SESSION_KEY not in client.session
    assertContains(client.get(response["Location"]), text)
    # Signed out for good: the next request is sent to the sign-in with no message.
    assertRedirects(client.get(INDEX), f"{LOGIN}?next={INDEX}")


def test_thirty_minutes_without_a_request_end_the_session(signed_in, clock):
    for _ in range(3):
        clock.advance(minutes=29)
        assert signed_in.get(OWN).status_code == 200
    clock.advance(minutes=30)
    signed_out_with(
        signed_in, "Сеанс администрирования завершен: 30 мин без действий. Войдите снова.", asked=OWN
    )


def test_eight_hours_after_the_sign_in_the_session_ends_however_busy(signed_in, clock):
    start = clock.now
    for _ in range(23):  # to 7 h 40 min
        clock.advance(minutes=20)
        assert signed_in.get(INDEX).status_code == 200
    clock.set(start + dt.timedelta(hours=8))
    signed_out_with(signed_in, "Сеанс администрирования завершен: прошло 8 ч со входа. Войдите снова.")


def test_the_cookie_and_the_stored_session_end_with_the_eight_hours(signed_in, clock):
    assert signed_in.session.get_expiry_date() == clock.now + dt.timedelta(hours=8)
    assert signed_in.sign_in_response.cookies["sessionid"]["max-age"] == 8 * 60 * 60
    for _ in range(3):
        clock.advance(minutes=20)
        assert signed_in.get(INDEX).status_code == 200
    assert signed_in.session.get_expiry_date() == clock.now + dt.timedelta(hours=7)


def test_the_limits_come_from_the_settings(signed_in, clock, settings):
    settings.STAFF_SESSION_IDLE = 60
    clock.advance(seconds=59)
    assert signed_in.get(INDEX).status_code == 200
    clock.advance(seconds=61)
    signed_out_with(signed_in, "1 мин без действий")


def test_a_post_after_the_end_changes_nothing(signed_in, clock, staff):
    clock.advance(minutes=31)
    response = signed_in.post(reverse("admin:password_change"), {"old_password": "x"})
    assertRedirects(response, LOGIN, fetch_redirect_response=False)
    assert SESSION_KEY not in signed_in.session
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Сеанс администрирования завершен: 30 мин без действий. Войдите снова."
    ]


def test_a_verified_session_from_before_the_limits_is_ended(staff):
    client = staff_client_for(staff)
    session = client.session
    del session["staff_session"]
    session.save()
    signed_out_with(client, "нужен вход с кодом из приложения")


def test_customers_sessions_are_untouched(contract, clock):
    customer = client_for(contract)
    for hours in (0.6, 9):
        clock.advance(hours=hours)
        assertContains(customer.get(reverse("cabinet:home")), "12345-ЭС")
    assert "staff_session" not in customer.session
