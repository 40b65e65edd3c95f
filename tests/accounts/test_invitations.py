"""Invitations of «Сотрудники»: the letter leaves through the outbox, its
one-time link works for 72 hours and once, a resend or a cancellation kills
the old link, and an invitation to an existing account only adds contracts."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import ActionRecord, Invitation, Membership, User
from accounts.roles import Role
from outbox.models import OutgoingMessage
from tests.accounts.people_support import (
    HOME,
    LOGIN,
    NEW_PASSWORD,
    PEOPLE,
    accept_new,
    invite,
    last_link,
)
from tests.conftest import PASSWORD, client_for, make_contract, make_person, person_client

pytestmark = pytest.mark.django_db
Kind = ActionRecord.Kind


def test_the_letter_leaves_through_the_outbox_and_its_link_makes_a_new_person(contract):
    admin = client_for(contract)
    response = invite(admin, "Petrova@Example.ru", Role.ACCOUNTANT, [contract])
    assertRedirects(response, PEOPLE, fetch_redirect_response=False)

    queued = OutgoingMessage.objects.get(name="invitation")
    assert queued.to == "Petrova@Example.ru" and queued.secret
    assert queued.state == OutgoingMessage.State.SENT  # delivered by the queue's job
    letter = mail.outbox[-1]
    assert letter.to == ["Petrova@Example.ru"]
    assert letter.subject == "Приглашение в личный кабинет АО «ЭнСер»"
    assert "ООО «Тепломонтаж», договор 12345-ЭС" in letter.body and "«Бухгалтер»" in letter.body
    assert "72 ч" in letter.body
    link = last_link()
    # Only the hash of the link's secret is kept.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in Invitation.objects.get().token_hash

    browser = Client()
    page = browser.get(link)
    for text in [
        "ООО «Тепломонтаж», договор 12345-ЭС",
        "Бухгалтер",
        "Petrova@Example.ru",
        "Принять приглашение",
    ]:
        assertContains(page, text)

    response = accept_new(browser, link)
    assertRedirects(response, HOME, fetch_redirect_response=False)
    person = User.objects.get(email="Petrova@Example.ru")
    assert int(browser.session[SESSION_KEY]) == person.pk
    assert person.first_name == "Петрова Анна"
    assert list(person.memberships.values_list("contract__number", "role")) == [("12345-ЭС", Role.ACCOUNTANT)]
    home = browser.get(HOME)
    assertContains(home, "Приглашение принято")
    assertContains(home, "12345-ЭС")
    # From now on the person signs in by the e-mail and the new password.
    signed = Client().post(LOGIN, {"contract_number": "petrova@example.ru", "secret": NEW_PASSWORD})
    assertRedirects(signed, HOME, fetch_redirect_response=False)
    # The journal holds both steps, each with its person.
    records = list(ActionRecord.objects.order_by("at", "pk").values_list("action", "user", "contract"))
    assert records == [
        (Kind.PERSON_INVITED, contract.user.pk, contract.pk),
        (Kind.INVITATION_ACCEPTED, person.pk, contract.pk),
    ]


def test_a_new_persons_password_follows_the_cabinets_rules(contract):
    invite(client_for(contract), "novyi@example.ru", Role.VIEWER, [contract])
    link = last_link()
    response = accept_new(Client(), link, password="12345678")
    assertContains(response, "пароль", status_code=400)
    response = Client().post(
        link, {"full_name": "", "new_password1": NEW_PASSWORD, "new_password2": "other-2026"}
    )
    assertContains(response, "Введите имя.", status_code=400)
    assertContains(response, "Пароли не совпадают.", status_code=400)
    assert not User.objects.filter(email="novyi@example.ru").exists()


def test_a_link_works_once(contract):
    invite(client_for(contract), "once@example.ru", Role.ENGINEER, [contract])
    link = last_link()
    assert accept_new(Client(), link).status_code == 302
    again = Client()
    assertContains(again.get(link), "Приглашение уже принято", status_code=410)
    assertContains(accept_new(again, link, name="Другой"), "Приглашение уже принято", status_code=410)
    assert SESSION_KEY not in again.session
    assert User.objects.filter(email="once@example.ru").count() == 1


def test_a_link_expires_after_72_hours(contract, clock):
    invite(client_for(contract), "late@example.ru", Role.ENGINEER, [contract])
    link = last_link()
    clock.advance(hours=71, minutes=59)
    assert Client().get(link).status_code == 200
    clock.advance(minutes=1)
    response = accept_new(Client(), link)
    assertContains(response, "Срок действия приглашения истек", status_code=410)
    assert not User.objects.filter(email="late@example.ru").exists()


def test_a_forged_link_is_not_found(contract):
    response = Client().get("/people/invitation/Zm9yZ2VkLWludml0YXRpb24/")
    assertContains(response, "Ссылка приглашения неверна", status_code=404)
    assert accept_new(Client(), "/people/invitation/x/").status_code == 404


def test_a_cancelled_invitation_stops_working_at_once(contract):
    admin = client_for(contract)
    invite(admin, "cancel@example.ru", Role.VIEWER, [contract])
    link = last_link()
    invitation = Invitation.objects.get()
    response = admin.post(PEOPLE, {"action": "cancel", "invitation": invitation.pk}, follow=True)
    assertContains(response, "Приглашение для cancel@example.ru отменено.")
    assertNotContains(response, "Отправить повторно")
    assertContains(Client().get(link), "Приглашение отменено", status_code=410)
    assert accept_new(Client(), link).status_code == 410
    assert not User.objects.filter(email="cancel@example.ru").exists()
    assert ActionRecord.objects.filter(action=Kind.INVITATION_CANCELLED, user=contract.user).count() == 1


def test_a_resend_waits_a_minute_and_kills_the_old_link(contract, clock):
    admin = client_for(contract)
    invite(admin, "again@example.ru", Role.VIEWER, [contract])
    old = last_link()
    invitation = Invitation.objects.get()
    too_soon = admin.post(PEOPLE, {"action": "resend", "invitation": invitation.pk})
    assertContains(too_soon, "Повторно отправить можно через 60 с.", status_code=400)
    assert len(mail.outbox) == 1

    clock.advance(seconds=60)
    response = admin.post(PEOPLE, {"action": "resend", "invitation": invitation.pk})
    assertRedirects(response, PEOPLE, fetch_redirect_response=False)
    assert len(mail.outbox) == 2
    new = last_link()
    assert new != old
    assert Client().get(old).status_code == 404
    assert accept_new(Client(), new).status_code == 302
    # The resend started the 72 hours again.
    invitation.refresh_from_db()
    assert invitation.expires_at == clock.now + dt.timedelta(hours=72)


def test_an_invitation_to_an_existing_account_only_adds_the_contracts(contract):
    second = make_contract(number="12346-ЭС")
    colleague = make_person(email="glavbuh@example.ru", roles={second: Role.ACCOUNTANT})
    invite(client_for(contract), "GLAVBUH@example.ru", Role.VIEWER, [contract])
    link = last_link()

    browser = Client()
    page = browser.get(link)
    assertContains(page, "У вас уже есть учетная запись с этим e-mail")
    assertNotContains(page, "Ваше имя")
    wrong = browser.post(link, {"password": "not-the-one-1"})
    assertContains(wrong, "Пароль неверный.", status_code=400)
    assert not colleague.memberships.filter(contract=contract).exists()

    response = browser.post(link, {"password": PASSWORD})
    assertRedirects(response, HOME, fetch_redirect_response=False)
    assert int(browser.session[SESSION_KEY]) == colleague.pk
    assert User.objects.filter(email__iexact="glavbuh@example.ru").count() == 1
    assert set(colleague.memberships.values_list("contract__number", "role")) == {
        ("12345-ЭС", Role.VIEWER),
        ("12346-ЭС", Role.ACCOUNTANT),
    }
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)  # the password is the person's own still


def test_a_signed_in_person_accepts_with_one_button(contract):
    second = make_contract(number="12346-ЭС")
    colleague = make_person(email="ing@example.ru", roles={second: Role.ENGINEER})
    invite(client_for(contract), "ing@example.ru", Role.ENGINEER, [contract])
    link = last_link()
    browser = person_client(colleague)
    page = browser.get(link)
    assertContains(page, "Договоры добавятся к вашей учетной записи")
    assertRedirects(browser.post(link), HOME, fetch_redirect_response=False)
    assert colleague.memberships.filter(contract=contract, role=Role.ENGINEER).exists()
    # The session now works on the contract of the invitation.
    assertContains(browser.get(HOME), "12345-ЭС")


def test_an_invitation_covers_the_chosen_contracts_the_inviter_administers(contract, other_contract):
    second = make_contract(number="12346-ЭС")
    admin_user = contract.user
    Membership.objects.create(user=admin_user, contract=second, role=Role.ADMIN)
    admin = client_for(contract)
    page = admin.get(PEOPLE)
    assertContains(page, "12346-ЭС")
    assertNotContains(page, "99999-ЭС")
    # A contract the inviter does not administer cannot be chosen.
    refused = invite(admin, "two@example.ru", Role.VIEWER, [contract, other_contract])
    assertContains(refused, "Выберите договоры из списка.", status_code=400)
    assert not Invitation.objects.exists()

    assert invite(admin, "two@example.ru", Role.VIEWER, [contract, second]).status_code == 302
    assert "договор 12345-ЭС" in mail.outbox[-1].body and "договор 12346-ЭС" in mail.outbox[-1].body
    accept_new(Client(), last_link())
    person = User.objects.get(email="two@example.ru")
    assert set(person.memberships.values_list("contract__number", flat=True)) == {"12345-ЭС", "12346-ЭС"}


def test_a_person_with_access_or_a_pending_invitation_is_not_invited_twice(contract):
    make_person(email="member@example.ru", roles={contract: Role.VIEWER})
    admin = client_for(contract)
    response = invite(admin, "MEMBER@example.ru", Role.VIEWER, [contract])
    assertContains(response, "уже есть доступ к договору 12345-ЭС", status_code=400)
    invite(admin, "new@example.ru", Role.VIEWER, [contract])
    response = invite(admin, "new@example.ru", Role.ENGINEER, [contract])
    assertContains(response, "уже приглашен", status_code=400)
    assert Invitation.objects.count() == 1


def test_the_invite_form_says_what_is_wrong_next_to_the_field(contract):
    admin = client_for(contract)
    response = admin.post(PEOPLE, {"action": "invite", "email": "not-an-address", "role": "boss"})
    assertContains(response, "Введите адрес e-mail", status_code=400)
    assertContains(response, "Выберите роль из списка.", status_code=400)
    assertContains(response, "Выберите хотя бы один договор.", status_code=400)


def test_inviting_is_rate_limited_per_person(contract, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invite_user": "1/h"}
    admin = client_for(contract)
    assert invite(admin, "first@example.ru", Role.VIEWER, [contract]).status_code == 302
    response = invite(admin, "second@example.ru", Role.VIEWER, [contract])
    assertContains(response, "Слишком много попыток", status_code=429)
    assert list(Invitation.objects.values_list("email", flat=True)) == ["first@example.ru"]


def test_an_invitation_dies_with_its_inviters_administration(contract):
    """Access is given only by someone who may still give it: an
    administrator demoted after inviting leaves the invitation void on that
    contract, and the link says so when nothing is left of it."""
    second = make_contract(number="12346-ЭС")
    director = make_person(email="director@teplo.example", roles={contract: Role.ADMIN, second: Role.ADMIN})
    invite(
        person_client(director, contract=contract), "late-admin@example.ru", Role.ENGINEER, [contract, second]
    )
    link = last_link()
    Membership.objects.filter(user=director, contract=second).update(role=Role.VIEWER)
    page = Client().get(link)
    assertContains(page, "договор 12345-ЭС")
    assertNotContains(page, "договор 12346-ЭС")
    assert accept_new(Client(), link).status_code == 302
    person = User.objects.get(email="late-admin@example.ru")
    assert set(Membership.objects.filter(user=person).values_list("contract__number", flat=True)) == {
        "12345-ЭС"
    }

    invite(person_client(director, contract=contract), "never@example.ru", Role.VIEWER, [contract])
    link = last_link()
    Membership.objects.filter(user=director, contract=contract).delete()
    assertContains(Client().get(link), "пригласивший вас сотрудник больше не администратор", status_code=410)
    assert accept_new(Client(), link).status_code == 410
    assert not User.objects.filter(email="never@example.ru").exists()
