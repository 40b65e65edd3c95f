import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Contract, User
from tests.accounts.conftest import registration_data
from tests.conftest import PASSWORD, client_for, make_contract, staff_client_for

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
CHANGELIST = reverse("admin:accounts_contract_changelist")


def test_contract_list_shows_when_and_how_each_registered(admin_client, contract):
    make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    page = admin_client.get(CHANGELIST)
    for text in [
        "зарегистрирован в кабинете",
        "способ подтверждения регистрации",
        "по электронной почте",
        "Сбросить регистрацию",
    ]:
        assertContains(page, text)


def test_staff_reset_a_registration(admin_client, contract):
    customer = client_for(contract)
    other_browser = client_for(contract)
    assert customer.get(reverse("cabinet:home")).status_code == 200
    response = admin_client.post(
        CHANGELIST,
        {"action": "registration_reset", "_selected_action": [contract.pk]},
        follow=True,
    )
    assertContains(response, "Регистрация сброшена: договоров 1, завершено сеансов 2")
    contract.refresh_from_db()
    assert not contract.is_registered and contract.registration_method == ""
    # The sessions are gone from the database, the password no longer works.
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(contract.user.pk) for s in Session.objects.all()
    )
    assert customer.get(reverse("cabinet:home")).status_code == 302
    assert other_browser.get(reverse("cabinet:home")).status_code == 302
    assert Client().post(LOGIN, {"contract_number": "12345-ЭС", "secret": PASSWORD}).status_code == 400
    # The INN opens registration again, which then works.
    client = Client()
    response = client.post(LOGIN, {"contract_number": "12345-ЭС", "secret": contract.organization.inn})
    assertRedirects(response, reverse("accounts:register"), fetch_redirect_response=False)
    assert client.post(reverse("accounts:register"), registration_data()).status_code == 200


def test_staff_without_change_permission_cannot_reset(client, contract):
    viewer = User.objects.create_user(username="viewer", password="Viewer-2024!", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contract"))
    staff_client_for(viewer, client)
    assertNotContains(client.get(CHANGELIST), "Сбросить регистрацию")
    client.post(CHANGELIST, {"action": "registration_reset", "_selected_action": [contract.pk]})
    assert Contract.objects.get(pk=contract.pk).is_registered


def test_registration_requests_are_read_only_in_admin(admin_client, registering_client):
    registering_client.post(reverse("accounts:register"), registration_data())
    page = admin_client.get(reverse("admin:accounts_registrationrequest_changelist"))
    assertContains(page, "ivanov@mail.ru")
    assertContains(page, "54321-ЭС")
    assert admin_client.get(reverse("admin:accounts_registrationrequest_add")).status_code == 403


def test_staff_see_pending_and_recent_registrations_by_state(admin_client, contract, clock):
    from accounts.models import RegistrationRequest

    other = make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    third = make_contract(number="54322-ЭС", inn="7456009877", kpp="745601001", registered=False)
    now = clock.now
    RegistrationRequest.objects.create(
        contract=other, method="email", email="pending@mail.ru", phone="+79025550112", created_at=now
    )
    RegistrationRequest.objects.create(
        contract=third,
        method="sms",
        email="old@mail.ru",
        phone="+79025550113",
        created_at=now - dt.timedelta(days=2),
    )
    RegistrationRequest.objects.create(
        contract=contract,
        method="email",
        email="done@mail.ru",
        phone="+79025550114",
        created_at=now - dt.timedelta(hours=1),
        completed_at=contract.registered_at,
    )
    url = reverse("admin:accounts_registrationrequest_changelist")
    page = admin_client.get(url)
    for text in ["ожидает подтверждения", "истекла", "завершена", "pending@mail.ru", "old@mail.ru"]:
        assertContains(page, text)
    for state, shown, hidden in [
        ("pending", "pending@mail.ru", "old@mail.ru"),
        ("expired", "old@mail.ru", "done@mail.ru"),
        ("completed", "done@mail.ru", "pending@mail.ru"),
    ]:
        page = admin_client.get(url, {"state": state})
        assertContains(page, shown)
        assertNotContains(page, hidden)


def test_staff_undo_a_completed_registration_from_its_request(admin_client, registering_client):
    import re

    from django.core import mail

    from accounts.models import RegistrationRequest

    registering_client.post(reverse("accounts:register"), registration_data())
    link = re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    customer = Client()
    customer.post(link)
    assert customer.get(reverse("cabinet:home")).status_code == 200
    done = RegistrationRequest.objects.get(completed_at__isnull=False)
    response = admin_client.post(
        reverse("admin:accounts_registrationrequest_changelist"),
        {"action": "registration_undo", "_selected_action": [done.pk]},
        follow=True,
    )
    assertContains(response, "Регистрация отменена: договоров 1 (54321-ЭС), завершено сеансов 1")
    contract = Contract.objects.get(number="54321-ЭС")
    assert not contract.is_registered
    assert customer.get(reverse("cabinet:home")).status_code == 302
