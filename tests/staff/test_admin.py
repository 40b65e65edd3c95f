"""In admin a staff member sees their own second factor; a superuser resets
another's, who then enrols again at the next sign-in. Keys and recovery
codes are never shown."""

from base64 import b32encode

import pytest
from django.contrib.admin import site
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from staff.sites import StaffAdminSite
from tests.conftest import staff_client_for
from tests.staff.conftest import ENROL, INDEX, LOGIN, device_of, enrolled, make_staff, password_step

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:staff_secondfactor_changelist")


def change_page(user) -> str:
    return reverse("admin:staff_secondfactor_change", args=[device_of(user).pk])


@pytest.fixture
def team(db):
    """An operator and an accountant, each with an app, and a superuser."""
    members = {name: make_staff(name) for name in ("operator", "accountant")}
    members["chief"] = make_staff("chief", superuser=True)
    for member in members.values():
        enrolled(member)
    return members


def test_the_admin_site_is_the_staff_site():
    assert isinstance(site, StaffAdminSite)


def test_a_staff_member_sees_only_their_own(team):
    operator = staff_client_for(team["operator"])
    page = operator.get(CHANGELIST)
    assertContains(page, "operator")
    for heading in ["Сотрудник", "Приложение подключено", "Осталось кодов восстановления"]:
        assertContains(page, heading)
    assertNotContains(page, "accountant")
    assertContains(
        operator.get(change_page(team["operator"])), "Коды восстановления" if False else "operator"
    )
    assertRedirects(operator.get(change_page(team["accountant"])), INDEX)


def test_a_staff_member_cannot_reset_or_add(team):
    operator = staff_client_for(team["operator"])
    device = device_of(team["operator"])
    delete = reverse("admin:staff_secondfactor_delete", args=[device.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 403
    action = {"action": "reset", "_selected_action": [device.pk]}
    operator.post(CHANGELIST, action)
    assert operator.get(reverse("admin:staff_secondfactor_add")).status_code == 403
    assert TOTPDevice.objects.filter(user=team["operator"]).exists()
    assert StaticToken.objects.filter(device__user=team["operator"]).count() == 10


def test_a_superuser_resets_anothers_second_factor(team):
    operator_session = staff_client_for(team["operator"])
    chief = staff_client_for(team["chief"])
    page = chief.get(CHANGELIST)
    for name in ("operator", "accountant", "chief"):
        assertContains(page, name)
    response = chief.post(
        CHANGELIST, {"action": "reset", "_selected_action": [device_of(team["operator"]).pk]}, follow=True
    )
    assertContains(response, "Второй фактор сброшен: operator.")
    assert not TOTPDevice.objects.filter(user=team["operator"]).exists()
    assert not StaticDevice.objects.filter(user=team["operator"]).exists()
    assert TOTPDevice.objects.filter(user=team["accountant"]).exists()
    # Their session has ended; the chief's has not.
    assertRedirects(operator_session.get(INDEX), f"{LOGIN}?next={INDEX}")
    assert SESSION_KEY not in operator_session.session
    assert chief.get(INDEX).status_code == 200
    # The next sign-in enrols a new app.
    assertRedirects(password_step(operator_session), ENROL, fetch_redirect_response=False)


def test_deleting_on_the_page_resets_too(team):
    chief = staff_client_for(team["chief"])
    delete = reverse("admin:staff_secondfactor_delete", args=[device_of(team["accountant"]).pk])
    assertContains(chief.get(delete), "accountant")
    chief.post(delete, {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=team["accountant"]).exists()
    assert not StaticToken.objects.filter(device__user=team["accountant"]).exists()


def test_a_superuser_resetting_their_own_keeps_the_page_then_signs_in_again(team):
    chief = staff_client_for(team["chief"])
    response = chief.post(CHANGELIST, {"action": "reset", "_selected_action": [device_of(team["chief"]).pk]})
    assert response.status_code == 302
    assert Session.objects.count() == 1
    assertRedirects(chief.get(INDEX), f"{LOGIN}?next={INDEX}")


def test_keys_and_recovery_codes_are_never_shown(team):
    chief = staff_client_for(team["chief"])
    device = device_of(team["operator"])
    secret = b32encode(bytes.fromhex(device.key)).decode()
    codes = StaticToken.objects.filter(device__user=team["operator"]).values_list("token", flat=True)
    for url in (CHANGELIST, change_page(team["operator"])):
        page = chief.get(url).content.decode()
        assert device.key not in page and secret not in page
        assert not [code for code in codes if code in page]
    for name in ("otp_totp_totpdevice_changelist", "otp_static_staticdevice_changelist"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}")
