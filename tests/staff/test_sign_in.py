"""The admin sign-in asks for a code from the authenticator app after the
password: the password alone opens no admin page."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.conftest import PASSWORD, client_for, make_contract
from tests.staff.conftest import (
    CODE,
    ENROL,
    INDEX,
    LOGIN,
    app_code,
    device_of,
    make_staff,
    password_step,
)

pytestmark = pytest.mark.django_db
# A page every staff member may open.
OWN = reverse("admin:staff_secondfactor_changelist")


def test_the_sign_in_is_the_admins_page_in_russian(client):
    page = client.get(LOGIN)
    for text in ["Имя пользователя", "Пароль", "Войти", "АО «ЭнСер»: личный кабинет юридического лица"]:
        assertContains(page, text)


def test_the_password_alone_opens_no_admin_page(client, staff):
    assertRedirects(password_step(client), CODE, fetch_redirect_response=False)
    assert SESSION_KEY not in client.session
    assertRedirects(client.get(INDEX), f"{LOGIN}?next={INDEX}")
    assertRedirects(client.get(OWN), f"{LOGIN}?next={OWN}")
    page = client.get(CODE)
    for text in ["Код из приложения", "Пароль верный", "operator", "Войти под другим именем"]:
        assertContains(page, text)


def test_a_wrong_code_is_refused(client, staff):
    password_step(client)
    wrong = f"{(int(app_code(device_of(staff).key)) + 1) % 1_000_000:06d}"
    page = client.post(CODE, {"code": wrong})
    assertContains(page, "Неверный код", status_code=400)
    assert SESSION_KEY not in client.session
    assertRedirects(client.get(INDEX), f"{LOGIN}?next={INDEX}")


def test_the_apps_code_signs_in(client, staff):
    password_step(client)
    response = client.post(CODE, {"code": app_code(device_of(staff).key)})
    assertRedirects(response, INDEX)
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device_of(staff).persistent_id
    assertContains(client.get(OWN), "Второй фактор сотрудников")


def test_a_code_typed_with_a_space_is_taken(client, staff):
    code = app_code(device_of(staff).key)
    password_step(client)
    assertRedirects(client.post(CODE, {"code": f"{code[:3]} {code[3:]}"}), INDEX)


def test_a_code_signs_in_once(staff):
    code = app_code(device_of(staff).key)
    first, second = Client(), Client()
    password_step(first), password_step(second)
    assertRedirects(first.post(CODE, {"code": code}), INDEX)
    assertContains(second.post(CODE, {"code": code}), "Неверный код", status_code=400)


def test_the_page_asked_for_is_opened_after_the_code(client, staff):
    assertRedirects(client.get(OWN), f"{LOGIN}?next={OWN}")
    response = password_step(client, next=OWN)
    assertRedirects(response, CODE, fetch_redirect_response=False)
    assertRedirects(client.post(CODE, {"code": app_code(device_of(staff).key)}), OWN)


def test_another_sites_address_is_not_followed(client, staff):
    password_step(client, next="https://evil.example/admin/")
    assertRedirects(client.post(CODE, {"code": app_code(device_of(staff).key)}), INDEX)


def test_wrong_codes_make_the_next_wait(client, staff, clock):
    """django-otp's back-off: after a wrong code even the right one waits 1 s, 2 s, 4 s …"""
    password_step(client)
    client.post(CODE, {"code": "000000" if app_code(device_of(staff).key) != "000000" else "111111"})
    page = client.post(CODE, {"code": app_code(device_of(staff).key)})
    assertContains(page, "Слишком много неверных кодов подряд. Попробуйте снова через 1 с.", status_code=400)
    assert SESSION_KEY not in client.session
    clock.advance(seconds=2)
    assertRedirects(client.post(CODE, {"code": app_code(device_of(staff).key)}), INDEX)


def test_the_code_step_waits_ten_minutes_at_most(client, staff, clock):
    password_step(client)
    clock.advance(minutes=11)
    assertRedirects(client.post(CODE, {"code": app_code(device_of(staff).key)}), LOGIN)
    assert SESSION_KEY not in client.session


def test_a_password_changed_meanwhile_voids_the_step(client, staff):
    password_step(client)
    staff.set_password("Drugoi-Parol-2025")
    staff.save()
    assertRedirects(client.post(CODE, {"code": app_code(device_of(staff).key)}), LOGIN)
    assert SESSION_KEY not in client.session


def test_the_code_step_needs_the_password_step(client, staff):
    assertRedirects(client.get(CODE), LOGIN)
    assertRedirects(client.post(CODE, {"code": app_code(device_of(staff).key)}), LOGIN)
    assert SESSION_KEY not in client.session


def test_the_session_id_changes_at_each_step(client, staff):
    client.get(LOGIN)
    client.cookies["sessionid"] = "fixated-by-somebody-else"
    password_step(client)
    after_password = client.cookies["sessionid"].value
    client.post(CODE, {"code": app_code(device_of(staff).key)})
    assert after_password != "fixated-by-somebody-else"
    assert client.cookies["sessionid"].value != after_password


def test_a_wrong_password_says_so(client, staff):
    page = password_step(client, password="Wrong-Parol-2024")
    assertContains(page, "Пожалуйста, введите корректные имя пользователя и пароль", status_code=400)
    assert "staff_sign_in" not in client.session


def test_a_customer_is_no_staff(client, contract):
    page = client.post(LOGIN, {"username": contract.user.username, "password": PASSWORD})
    assertContains(page, "Пожалуйста, введите корректные имя пользователя и пароль", status_code=400)
    assert "staff_sign_in" not in client.session


def test_staff_without_an_app_are_sent_to_enrol(client, db):
    make_staff()
    assertRedirects(password_step(client), ENROL, fetch_redirect_response=False)
    assertRedirects(client.get(CODE), ENROL)


def test_a_session_signed_in_without_the_code_opens_no_admin_page(staff):
    # As a session of a staff member signed in by password before the second factor existed.
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assertRedirects(client.get(INDEX), f"{LOGIN}?next={INDEX}")
    page = client.get(LOGIN)
    assertNotContains(page, "Выйти")


def test_the_customers_sign_in_is_unchanged(client):
    contract = make_contract(number="12345-ЭС")
    response = client.post(reverse("accounts:login"), {"contract_number": "12345-ЭС", "secret": PASSWORD})
    assertRedirects(response, reverse("cabinet:home"))
    assert client.session[SESSION_KEY] == str(contract.user.pk)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assertRedirects(client.get(INDEX), f"{LOGIN}?next={INDEX}")
    assertContains(client_for(contract).get(reverse("cabinet:home")), "12345-ЭС")
