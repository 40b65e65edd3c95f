"""«Сотрудники»: the contract's people and invitations, a role changed, access
removed at once, and a contract that always keeps an administrator."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import ActionRecord, Invitation, Membership
from accounts.roles import Role
from tests.accounts.people_support import HOME, PEOPLE, invite
from tests.conftest import client_for, make_contract, make_person, person_client

pytestmark = pytest.mark.django_db
Kind = ActionRecord.Kind


def _sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))


def test_the_page_lists_people_roles_and_pending_invitations(contract):
    make_person(email="buh@teplo.example", roles={contract: Role.ACCOUNTANT})
    admin = client_for(contract)
    invite(admin, "ing@teplo.example", Role.ENGINEER, [contract])
    page = admin.get(PEOPLE)
    for text in ["buh@teplo.example", "Бухгалтер", "ing@teplo.example", "Инженер", "Отправить повторно"]:
        assertContains(page, text)
    assertContains(page, "(это вы)")
    assertContains(page, reverse("accounts:journal"))
    assertContains(page, 'aria-current="page">Сотрудники</a>', html=False)


def test_only_an_administrator_sees_the_tab(contract):
    assertContains(client_for(contract).get(HOME), ">Сотрудники</a>", html=False)
    viewer = person_client(make_person(email="view@teplo.example", roles={contract: Role.VIEWER}))
    assertNotContains(viewer.get(HOME), "Сотрудники")
    assert viewer.get(PEOPLE).status_code == 403
    response = viewer.post(PEOPLE, {"action": "remove", "membership": contract.user.memberships.get().pk})
    assert response.status_code == 403
    assert contract.user.memberships.exists()


def test_a_role_is_changed_and_recorded(contract):
    person = make_person(email="buh@teplo.example", roles={contract: Role.VIEWER})
    membership = person.memberships.get()
    admin = client_for(contract)
    response = admin.post(PEOPLE, {"action": "role", "membership": membership.pk, "role": Role.ACCOUNTANT})
    assertRedirects(response, PEOPLE, fetch_redirect_response=False)
    membership.refresh_from_db()
    assert membership.role == Role.ACCOUNTANT
    record = ActionRecord.objects.get(action=Kind.ROLE_CHANGED)
    assert (record.user, record.contract) == (contract.user, contract)
    assert "«Просмотр» → «Бухгалтер»" in record.details
    # The person's next request has the new role.
    assert person_client(person).get(reverse("settlements:settlements")).status_code == 200
    bad = admin.post(PEOPLE, {"action": "role", "membership": membership.pk, "role": "boss"})
    assertContains(bad, "Выберите роль из списка.", status_code=400)


def test_the_last_administrator_is_neither_demoted_nor_removed(contract):
    own = contract.user.memberships.get()
    admin = client_for(contract)
    demoted = admin.post(PEOPLE, {"action": "role", "membership": own.pk, "role": Role.VIEWER})
    assertContains(demoted, "должен остаться хотя бы один администратор", status_code=400)
    removed = admin.post(PEOPLE, {"action": "remove", "membership": own.pk})
    assertContains(removed, "должен остаться хотя бы один администратор", status_code=400)
    own.refresh_from_db()
    assert own.role == Role.ADMIN

    # With a second administrator, the first may step down.
    make_person(email="second@teplo.example", roles={contract: Role.ADMIN})
    response = admin.post(PEOPLE, {"action": "role", "membership": own.pk, "role": Role.VIEWER})
    assertRedirects(response, HOME, fetch_redirect_response=False)
    own.refresh_from_db()
    assert own.role == Role.VIEWER
    assert admin.get(PEOPLE).status_code == 403


def test_removing_the_last_contract_ends_the_persons_sessions(contract):
    person = make_person(email="ing@teplo.example", roles={contract: Role.ENGINEER})
    theirs = person_client(person)
    assert theirs.get(HOME).status_code == 200
    assert _sessions_of(person) == 1
    admin = client_for(contract)
    response = admin.post(
        PEOPLE, {"action": "remove", "membership": person.memberships.get().pk}, follow=True
    )
    assertContains(response, "Доступ к договору 12345-ЭС закрыт: ing@teplo.example.")
    assert not person.memberships.exists()
    assert _sessions_of(person) == 0
    assertRedirects(theirs.get(HOME), f"{reverse('accounts:login')}?next={HOME}")
    record = ActionRecord.objects.get(action=Kind.PERSON_REMOVED)
    assert (record.user, record.contract) == (contract.user, contract)
    assert "ing@teplo.example" in record.details


def test_a_session_on_the_removed_contract_loses_it_at_once(contract):
    second = make_contract(number="12346-ЭС")
    person = make_person(
        email="buh@teplo.example", roles={contract: Role.ACCOUNTANT, second: Role.ACCOUNTANT}
    )
    theirs = person_client(person, contract=contract)
    assertContains(theirs.get(reverse("settlements:settlements")), "12345-ЭС")
    client_for(contract).post(
        PEOPLE, {"action": "remove", "membership": person.memberships.get(contract=contract).pk}
    )
    # Still signed in (a contract is left), but never again on 12345-ЭС.
    assert _sessions_of(person) == 1
    page = theirs.get(reverse("settlements:settlements")).content.decode()
    assert "12346-ЭС" in page and "12345-ЭС" not in page


def test_an_administrator_may_leave_when_another_remains(contract):
    make_person(email="second@teplo.example", roles={contract: Role.ADMIN})
    admin = client_for(contract)
    response = admin.post(PEOPLE, {"action": "remove", "membership": contract.user.memberships.get().pk})
    assert response.status_code == 302
    assert not contract.user.memberships.exists()


def test_another_organizations_administrator_cannot_see_or_change_these_people(contract, other_contract):
    person = make_person(email="buh@teplo.example", roles={contract: Role.ACCOUNTANT})
    invite(client_for(contract), "ing@teplo.example", Role.ENGINEER, [contract])
    invitation = Invitation.objects.get()
    stranger = client_for(other_contract)
    page = stranger.get(PEOPLE)
    assertNotContains(page, "buh@teplo.example")
    assertNotContains(page, "ing@teplo.example")
    membership = person.memberships.get()
    for data in [
        {"action": "remove", "membership": membership.pk},
        {"action": "role", "membership": membership.pk, "role": Role.ADMIN},
        {"action": "resend", "invitation": invitation.pk},
        {"action": "cancel", "invitation": invitation.pk},
    ]:
        assert stranger.post(PEOPLE, data).status_code == 404, data
    membership.refresh_from_db()
    assert membership.role == Role.ACCOUNTANT
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_odd_posts_are_refused_without_errors(contract):
    admin = client_for(contract)
    for data in [{}, {"action": "fly"}, {"action": "remove", "membership": "x"}, {"action": "cancel"}]:
        assert admin.post(PEOPLE, data).status_code in (400, 404), data
    assert Membership.objects.filter(contract=contract).count() == 1


@pytest.mark.parametrize("people", [1, 20])
def test_the_page_reads_in_a_constant_number_of_queries(contract, people, django_assert_max_num_queries):
    second = make_contract(number="12346-ЭС")
    Membership.objects.create(user=contract.user, contract=second, role=Role.ADMIN)
    admin = client_for(contract)
    for n in range(people):
        make_person(email=f"p{n}@teplo.example", roles={contract: Role.VIEWER})
        invite(admin, f"i{n}@teplo.example", Role.VIEWER, [contract, second])
    # Five for the page, one for the header's switcher among the person's two
    # contracts, one for the unread notifications in the head.
    with django_assert_max_num_queries(7):
        response = admin.get(PEOPLE)
    assert response.content.decode().count("Закрыть доступ") == people + 1
