"""A staff member without an app enrols it at the sign-in: a QR code and
the key as text, a code to confirm, ten recovery codes shown once, each of
them good for one sign-in."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from staff.second_factor import enrolment_qr_svg
from tests.staff.conftest import (
    CODE,
    ENROL,
    INDEX,
    LOGIN,
    RECOVERY,
    app_code,
    device_of,
    enrolled,
    make_staff,
    password_step,
    secret_on,
)

pytestmark = pytest.mark.django_db


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


def test_the_first_sign_in_enrols_an_app_end_to_end(client):
    member = make_staff()
    assertRedirects(password_step(client), ENROL, fetch_redirect_response=False)
    page = client.get(ENROL)
    key = secret_on(page.content.decode())
    # The QR code carries the same key (otpauth://totp/…?secret=…), inline: no script, no data: address.
    assertContains(page, enrolment_qr_svg(user=member, key=key))
    assertContains(page, '<svg role="img"')
    for text in ["Подключите приложение для входа", "Код из приложения", "Подтвердить", "operator"]:
        assertContains(page, text)
    assert secret_on(client.get(ENROL).content.decode()) == key, "a reload shows the same key"
    assert not TOTPDevice.objects.filter(user=member).exists()

    assertContains(client.post(ENROL, {"code": "000000"}), "Неверный код", status_code=400)
    assert SESSION_KEY not in client.session

    assertRedirects(client.post(ENROL, {"code": app_code(key)}), RECOVERY, fetch_redirect_response=False)
    assert client.session[SESSION_KEY] == str(member.pk)
    assert device_of(member).key == key
    shown = client.get(RECOVERY)
    assertContains(shown, "Сохраните коды")
    assertContains(shown, "больше они показаны не будут")
    codes = recovery_codes_on(shown.content.decode())
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=member).values_list("token", flat=True)
    )

    # Once: the page does not show them again.
    again = client.get(RECOVERY, follow=True)
    assertRedirects(again, INDEX)
    for code in codes:
        assertNotContains(again, code)


def test_a_recovery_code_signs_in_once(client):
    member = make_staff()
    code = enrolled(member).recovery_codes[3]
    password_step(client)
    response = client.post(CODE, {"code": code.upper()}, follow=True)
    assertRedirects(response, INDEX)
    assertContains(
        response, "Вы вошли по коду восстановления: он больше не действует. Осталось кодов: 9 из 10."
    )
    assert StaticToken.objects.filter(device__user=member).count() == 9

    again = Client()
    password_step(again)
    assertContains(again.post(CODE, {"code": code}), "Неверный код", status_code=400)
    assert SESSION_KEY not in again.session


def test_every_sign_in_gets_its_own_key(db):
    """Somebody else who knows the password and opens the enrolment too sees
    another key: the one the member confirms was shown to the member only."""
    make_staff()
    member, other = Client(), Client()
    password_step(member), password_step(other)
    member_key = secret_on(member.get(ENROL).content.decode())
    other_key = secret_on(other.get(ENROL).content.decode())
    assert member_key != other_key
    member.post(ENROL, {"code": app_code(member_key)})
    assertRedirects(other.post(ENROL, {"code": app_code(other_key)}), CODE)
    assert [device.key for device in TOTPDevice.objects.all()] == [member_key]
    assert SESSION_KEY not in other.session


def test_the_code_that_confirmed_the_app_does_not_sign_in_again(client, clock):
    member = make_staff()
    password_step(client)
    key = secret_on(client.get(ENROL).content.decode())
    code = app_code(key)
    client.post(ENROL, {"code": code})
    second = Client()
    password_step(second)
    assertContains(second.post(CODE, {"code": code}), "Неверный код", status_code=400)
    clock.advance(seconds=2)  # past the wait a wrong code brings
    assertRedirects(second.post(CODE, {"code": app_code(device_of(member).key, ahead=1)}), INDEX)


def test_the_enrolment_needs_the_password_step(client, db):
    make_staff()
    assertRedirects(client.get(ENROL), LOGIN)
    assertRedirects(client.post(ENROL, {"code": "123456"}), LOGIN)


def test_an_enrolled_member_is_asked_for_the_code_not_a_new_app(client, staff):
    assertRedirects(password_step(client), CODE, fetch_redirect_response=False)
    assertRedirects(client.get(ENROL), CODE)


def test_the_recovery_codes_page_is_for_the_signed_in(client, staff):
    assertRedirects(client.get(RECOVERY), f"{LOGIN}?next={RECOVERY}")
