import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Contract, User
from tests.accounts.conftest import registration_data
from tests.conftest import PASSWORD, client_for, make_contract

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
CHANGELIST = reverse("admin:accounts_contract_changelist")


def test_contract_list_shows_when_and_how_each_registered(admin_client, contract):
    make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    page = admin_client.get(CHANGELIST).content.decode()
    assert "зарегистрирован в кабинете" in page
    assert "способ подтверждения регистрации" in page
    assert "по электронной почте" in page
    assert "Сбросить регистрацию" in page


def test_staff_reset_a_registration(admin_client, contract):
    customer = client_for(contract)
    other_browser = client_for(contract)
    assert customer.get(reverse("cabinet:home")).status_code == 200
    response = admin_client.post(
        CHANGELIST,
        {"action": "registration_reset", "_selected_action": [contract.pk]},
        follow=True,
    )
    assert "Регистрация сброшена: договоров 1, завершено сеансов 2" in response.content.decode()
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
    assert response["Location"] == reverse("accounts:register")
    assert client.post(reverse("accounts:register"), registration_data()).status_code == 200


def test_staff_without_change_permission_cannot_reset(client, contract):
    viewer = User.objects.create_user(username="viewer", password="Viewer-2024!", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_contract"))
    client.force_login(viewer)
    assert "Сбросить регистрацию" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "registration_reset", "_selected_action": [contract.pk]})
    assert Contract.objects.get(pk=contract.pk).is_registered


def test_registration_requests_are_read_only_in_admin(admin_client, registering_client):
    registering_client.post(reverse("accounts:register"), registration_data())
    page = admin_client.get(reverse("admin:accounts_registrationrequest_changelist")).content.decode()
    assert "ivanov@mail.ru" in page and "54321-ЭС" in page
    assert admin_client.get(reverse("admin:accounts_registrationrequest_add")).status_code == 403
