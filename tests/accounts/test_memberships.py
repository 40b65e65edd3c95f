"""Memberships from the accounts that existed before them, at registration,
and as staff manage them in admin (add, remove, merge accounts)."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import ActionRecord, Membership, User
from accounts.roles import Role
from tests.accounts.conftest import inn_client, registration_data
from tests.conftest import PASSWORD, client_for, make_contract, make_person, person_client

pytestmark = pytest.mark.django_db
HOME = reverse("cabinet:home")
LOGIN = reverse("accounts:login")

migration = importlib.import_module("accounts.migrations.0006_contract_accounts_administrators")


def _before_memberships(*contracts):
    """The state the data migration starts from: contract accounts, no memberships."""
    Membership.objects.filter(contract__in=contracts).delete()


def test_the_migration_makes_every_contract_account_its_contracts_administrator(contract, other_contract):
    staff = User.objects.create_user(username="operator", password="x-Staff-2024", is_staff=True)
    _before_memberships(contract, other_contract)
    customer = client_for(contract)
    # Before the migration the account has no cabinet.
    assert customer.get(HOME).status_code == 404

    migration.contract_accounts_to_administrators(apps, None)

    assert set(Membership.objects.values_list("user__username", "contract__number", "role")) == {
        ("12345-ЭС", "12345-ЭС", Role.ADMIN),
        ("99999-ЭС", "99999-ЭС", Role.ADMIN),
    }
    assert not staff.memberships.exists()
    # Everything it could do, it can: the main page, a money tab, a reading,
    # the contacts.
    for name in ("cabinet:home", "settlements:settlements", "meters:readings", "accounts:contacts-edit"):
        assert customer.get(reverse(name)).status_code == 200, name
    # Run twice, it adds nothing.
    migration.contract_accounts_to_administrators(apps, None)
    assert Membership.objects.count() == 2


def test_a_membership_is_one_per_person_and_contract(contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=contract.user, contract=contract, role=Role.VIEWER)


def test_registration_makes_the_account_the_first_administrator(first_contract):
    client = inn_client()
    client.post(reverse("accounts:register"), registration_data())
    link = re.search(r"http://testserver(/register/confirm/[^\s]+/)", mail.outbox[-1].body).group(1)
    assertRedirects(client.post(link), HOME, fetch_redirect_response=False)
    user = User.objects.get(contract=first_contract)
    assert list(user.memberships.values_list("contract__number", "role")) == [("54321-ЭС", Role.ADMIN)]
    assert client.get(HOME).status_code == 200


# Staff in admin.


def test_a_contracts_people_and_roles_are_on_its_admin_page(admin_client, contract):
    make_person(email="glavbuh@example.ru", roles={contract: Role.ACCOUNTANT})
    page = admin_client.get(reverse("admin:accounts_contract_change", args=[contract.pk]))
    assertContains(page, "Сотрудники и роли")
    assertContains(page, "glavbuh@example.ru")
    assertContains(page, "Бухгалтер")


def _inline_data(contract, rows, *, delete=()):
    """The contract's admin form as posted, with membership rows (user, role)."""
    data = {
        "number": contract.number,
        "organization": contract.organization.pk,
        "signed_on": "27.09.2021",
        "service": contract.service,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for membership, *_ in rows if membership)),
    }
    for index, (membership, user, role) in enumerate(rows):
        prefix = f"memberships-{index}-"
        data[prefix + "id"] = membership.pk if membership else ""
        data[prefix + "contract"] = contract.pk
        data[prefix + "user"] = user.pk
        data[prefix + "role"] = role
        if membership in delete:
            data[prefix + "DELETE"] = "on"
    return data


def test_staff_add_a_person_to_a_contract_and_remove_one(admin_client, admin_user, contract):
    person = make_person(email="ing@example.ru", roles={})
    own = contract.user.memberships.get()
    url = reverse("admin:accounts_contract_change", args=[contract.pk])
    response = admin_client.post(
        url, _inline_data(contract, [(own, contract.user, Role.ADMIN), (None, person, Role.ENGINEER)])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = person.memberships.get()
    assert (added.contract, added.role, added.created_by) == (contract, Role.ENGINEER, admin_user)
    client = person_client(person)
    assert client.get(reverse("meters:readings")).status_code == 200

    response = admin_client.post(
        url,
        _inline_data(
            contract, [(own, contract.user, Role.ADMIN), (added, person, Role.ENGINEER)], delete=[added]
        ),
    )
    assert response.status_code == 302
    assert not person.memberships.exists()
    # With no contract left, the person's sessions end at once.
    assertRedirects(client.get(HOME), f"{LOGIN}?next={HOME}")
    assert list(ActionRecord.objects.order_by("pk").values_list("action", "user", "contract")) == [
        (ActionRecord.Kind.PERSON_ADDED, admin_user.pk, contract.pk),
        (ActionRecord.Kind.PERSON_REMOVED, admin_user.pk, contract.pk),
    ]


def test_a_persons_contracts_are_on_their_admin_page(admin_client, contract):
    person = make_person(email="glavbuh@example.ru", roles={contract: Role.ACCOUNTANT})
    page = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assertContains(page, "Договоры и роли")
    assertContains(page, "12345-ЭС")


def _merge(admin_client, users):
    return admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "accounts_merge", "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_staff_merge_accounts_sharing_an_e_mail(admin_client, contract):
    second = make_contract(number="12346-ЭС")
    third = make_contract(number="12347-ЭС")
    kept, merged, other = contract.user, second.user, third.user
    User.objects.filter(pk=merged.pk).update(email="BUH@example.ru")
    User.objects.filter(pk=other.pk).update(email="someone@example.ru")
    merged_session = client_for(second)
    assert merged_session.get(HOME).status_code == 200
    # The person used 12345-ЭС's account last.
    kept_client = Client()
    assert kept_client.post(LOGIN, {"contract_number": "12345-ЭС", "secret": PASSWORD}).status_code == 302
    ambiguous = Client().post(LOGIN, {"contract_number": "buh@example.ru", "secret": PASSWORD})
    assert ambiguous.status_code == 400

    response = _merge(admin_client, [kept, merged, other])

    assertContains(
        response, "E-mail buh@example.ru: оставлена учетная запись «12345-ЭС», к ней перешло доступов: 1"
    )
    assert set(kept.memberships.values_list("contract__number", "role")) == {
        ("12345-ЭС", Role.ADMIN),
        ("12346-ЭС", Role.ADMIN),
    }
    merged.refresh_from_db()
    assert not merged.is_active and not merged.memberships.exists()
    assert not any(s.get_decoded().get("_auth_user_id") == str(merged.pk) for s in Session.objects.all())
    assert merged_session.get(HOME).status_code == 302
    # An account with another address is left as it was.
    assert other.memberships.get().contract == third
    # The address now signs in, and reaches both contracts.
    client = Client()
    response = client.post(LOGIN, {"contract_number": "buh@example.ru", "secret": PASSWORD})
    assertRedirects(response, HOME, fetch_redirect_response=False)
    assert int(client.session["_auth_user_id"]) == kept.pk


def test_merging_keeps_the_role_that_allows_more(admin_client, contract):
    viewer = make_person(email="buh@example.ru", roles={contract: Role.VIEWER})
    User.objects.filter(pk=viewer.pk).update(last_login="2026-01-01T00:00Z")
    _merge(admin_client, [contract.user, viewer])
    assert list(viewer.memberships.values_list("role", flat=True)) == [Role.ADMIN]
    contract.user.refresh_from_db()
    assert not contract.user.is_active


def test_merging_nothing_says_so(admin_client, contract):
    response = _merge(admin_client, [contract.user])
    assertContains(response, "Объединять нечего")
    assert contract.user.memberships.count() == 1


def test_staff_find_a_person_to_add_by_e_mail_and_a_role_change_is_recorded(
    admin_client, admin_user, contract
):
    person = make_person(email="glavbuh@example.ru", roles={contract: Role.VIEWER})
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "membership", "field_name": "user", "term": "glavbuh@"},
    )
    assert [row["id"] for row in found.json()["results"]] == [str(person.pk)]
    own, theirs = contract.user.memberships.get(), person.memberships.get()
    url = reverse("admin:accounts_contract_change", args=[contract.pk])
    rows = [(own, contract.user, Role.ADMIN), (theirs, person, Role.ACCOUNTANT)]
    assert admin_client.post(url, _inline_data(contract, rows)).status_code == 302
    record = ActionRecord.objects.get()
    assert (record.action, record.user, record.contract) == (
        ActionRecord.Kind.ROLE_CHANGED,
        admin_user,
        contract,
    )
    assert "«Просмотр» → «Бухгалтер»" in record.details
    assert record.user_display.startswith("Сотрудник АО «ЭнСер»")


def test_staff_cannot_leave_a_registered_contract_without_an_administrator(admin_client, contract):
    own = contract.user.memberships.get()
    url = reverse("admin:accounts_contract_change", args=[contract.pk])
    demoted = admin_client.post(url, _inline_data(contract, [(own, contract.user, Role.VIEWER)]))
    assertContains(demoted, "должен остаться хотя бы один администратор")
    removed = admin_client.post(url, _inline_data(contract, [(own, contract.user, Role.ADMIN)], delete=[own]))
    assertContains(removed, "должен остаться хотя бы один администратор")
    own.refresh_from_db()
    assert own.role == Role.ADMIN
    assert not ActionRecord.objects.exists()
