"""«Журнал действий»: readings, appeals, contacts, the bank account, passwords
and people changes are recorded with the person who did them; the page
shows the journal of the contracts the person administers, filtered and
paginated, in a constant number of queries; the journal is append-only."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.journal import Origin, journal_record
from accounts.models import ActionRecord, Membership
from accounts.roles import Role
from tests.accounts.people_support import JOURNAL
from tests.accounts.test_requisites import contacts_post
from tests.appeals.conftest import choices, form_data, upload  # noqa: F401 (a fixture)
from tests.conftest import PASSWORD, client_for, make_contract, make_person, person_client
from tests.meters.conftest import add_reading, make_meter

pytestmark = pytest.mark.django_db
Kind = ActionRecord.Kind


def _records(**filters) -> list[tuple]:
    return list(
        ActionRecord.objects.filter(**filters).order_by("at", "pk").values_list("action", "user", "contract")
    )


def test_a_reading_is_recorded_with_the_person_and_the_browser(contract, clock):
    clock.set_local(dt.date(2026, 11, 16))
    engineer = make_person(email="ing@teplo.example", roles={contract: Role.ENGINEER})
    meter = make_meter(contract)
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    client = person_client(engineer)
    response = client.post(
        reverse("meters:submit", args=[meter.pk]),
        {"whole": "1390", "fraction": "1"},
        HTTP_USER_AGENT="Yandex-Browser/24",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    record = ActionRecord.objects.get()
    assert (record.action, record.user, record.contract) == (Kind.READING_SUBMITTED, engineer, contract)
    assert record.user_display == "ing@teplo.example"
    assert (record.ip, record.user_agent) == ("10.1.2.3", "Yandex-Browser/24")
    assert "№ 001383" in record.details
    # The same value again is no new reading and no new line.
    client.post(reverse("meters:submit", args=[meter.pk]), {"whole": "1390", "fraction": "1"})
    assert ActionRecord.objects.count() == 1


def test_an_appeal_from_the_cabinet_is_recorded(contract, choices, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    accountant = make_person(email="buh@teplo.example", roles={contract: Role.ACCOUNTANT})
    client = person_client(accountant)
    response = client.post(reverse("appeals:new"), {**form_data(choices), "documents": [upload("scan.pdf")]})
    assert response.status_code == 302
    assert _records() == [(Kind.APPEAL_SENT, accountant.pk, contract.pk)]
    # A public appeal (nobody signed in) is nobody's action on a contract.
    Client().post(reverse("appeals:new"), form_data(choices))
    assert ActionRecord.objects.count() == 1


def test_contacts_and_the_bank_account_changes_are_recorded(contract):
    client = client_for(contract)
    client.post(reverse("accounts:contacts-edit"), contacts_post(head=("Иванов Иван", "+79120001122", "")))
    client.post(reverse("paydocs:bank"), {"account": "40702810672000012345", "bik": "047501602"})
    assert _records() == [
        (Kind.CONTACTS_CHANGED, contract.user.pk, contract.pk),
        (Kind.BANK_ACCOUNT_CHANGED, contract.user.pk, contract.pk),
    ]
    # A refused form changes nothing and records nothing.
    client.post(reverse("paydocs:bank"), {"account": "1", "bik": "2"})
    assert ActionRecord.objects.count() == 2


def test_a_password_change_is_recorded(contract):
    person = make_person(email="view@teplo.example", roles={contract: Role.VIEWER})
    client = person_client(person)
    new = "Novyi-Parol-2026"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert _records() == [(Kind.PASSWORD_CHANGED, person.pk, contract.pk)]


def _fill(contract, user, count: int, *, start: dt.datetime) -> None:
    for n in range(count):
        ActionRecord.objects.create(
            at=start + dt.timedelta(minutes=n),
            user=user,
            user_display=user.email,
            contract=contract,
            action=Kind.CONTACTS_CHANGED,
        )


def test_the_page_shows_the_journal_of_the_administered_contracts_only(contract, other_contract):
    second = make_contract(number="12346-ЭС")
    viewer_there = make_contract(number="12347-ЭС")
    admin = contract.user
    Membership.objects.create(user=admin, contract=second, role=Role.ADMIN)
    Membership.objects.create(user=admin, contract=viewer_there, role=Role.VIEWER)
    buh = make_person(email="buh@teplo.example", roles={contract: Role.ACCOUNTANT})
    # 09:05 UTC is 14:05 in Yekaterinburg.
    moment = dt.datetime(2026, 11, 16, 9, 5, tzinfo=dt.UTC)
    for where, who, action in [
        (contract, buh, Kind.READING_SUBMITTED),
        (second, admin, Kind.CONTACTS_CHANGED),
        (viewer_there, viewer_there.user, Kind.APPEAL_SENT),
        (other_contract, other_contract.user, Kind.PASSWORD_CHANGED),
    ]:
        ActionRecord.objects.create(
            at=moment, user=who, user_display=who.email or who.username, contract=where, action=action
        )
    page = client_for(contract).get(JOURNAL)
    for text in [
        "16.11.2026 14:05",
        "buh@teplo.example",
        "Переданы показания",
        "Изменены контакты",
        "12346-ЭС",
    ]:
        assertContains(page, text)
    assertNotContains(page, "Отправлено обращение")  # 12347-ЭС: the person only views it
    assertNotContains(page, "Изменен пароль")  # another organization's

    by_person = client_for(contract).get(JOURNAL, {"person": buh.pk})
    assertContains(by_person, "Переданы показания")
    assertNotContains(by_person, "Изменены контакты")
    by_contract = client_for(contract).get(JOURNAL, {"contract": second.pk})
    assertContains(by_contract, "Изменены контакты")
    assertNotContains(by_contract, "Переданы показания")
    # Another organization's contract cannot be chosen.
    refused = client_for(contract).get(JOURNAL, {"contract": other_contract.pk, "person": "x"})
    assertContains(refused, "Выберите договор из списка.", status_code=400)
    assertNotContains(refused, "Изменен пароль", status_code=400)


def test_fifty_lines_a_page(contract):
    _fill(contract, contract.user, 51, start=dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC))
    client = client_for(contract)
    first = client.get(JOURNAL)
    assert first.content.decode().count('data-label="Действие"') == 50
    assertContains(first, "Страница 1 из 2")
    assertContains(first, "01.11.2026 10:50")  # the newest first
    second = client.get(JOURNAL, {"page": "2"})
    assert second.content.decode().count('data-label="Действие"') == 1
    assertContains(second, "01.11.2026 10:00")
    assert client.get(JOURNAL, {"page": "ninety"}).status_code == 200


@pytest.mark.parametrize("lines", [1, 20])
def test_the_page_reads_in_a_constant_number_of_queries(contract, lines, django_assert_max_num_queries):
    people = [make_person(email=f"p{n}@teplo.example", roles={contract: Role.VIEWER}) for n in range(lines)]
    for person in people:
        _fill(contract, person, 1, start=dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC))
    client = client_for(contract)
    # And one for the unread notifications in the head (notices/middleware.py).
    with django_assert_max_num_queries(6):
        response = client.get(JOURNAL, {"contract": contract.pk})
    assert response.content.decode().count('data-label="Действие"') == lines


def test_the_journal_is_append_only(contract, admin_client):
    record = journal_record(
        action=Kind.CONTACTS_CHANGED, user=contract.user, contract=contract, origin=Origin(ip="10.0.0.1")
    )
    record.details = "changed"
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(ValueError, match="append-only"):
        record.delete()
    changelist = admin_client.get(
        reverse("admin:accounts_actionrecord_changelist"), {"action__exact": "contacts_changed"}
    )
    assertContains(changelist, "Изменены контакты")
    assertNotContains(changelist, reverse("admin:accounts_actionrecord_add"))
    change = admin_client.get(reverse("admin:accounts_actionrecord_change", args=[record.pk]))
    assertNotContains(change, 'name="_save"')
    assert (
        admin_client.post(reverse("admin:accounts_actionrecord_delete", args=[record.pk])).status_code == 403
    )
    assert ActionRecord.objects.filter(pk=record.pk).exists()


def test_a_password_recovered_by_e_mail_is_recorded(contract):
    browser = Client()
    browser.post(reverse("accounts:password-reset"), {"contract_number": "12345-ЭС"})
    browser.post(reverse("accounts:password-reset-send"), {"method": "email"})
    link = re.search(r"http://testserver(/password/reset/link/\S+/)", mail.outbox[-1].body).group(1)
    browser.get(link)
    fresh = "Novyi-Parol-77"
    new = reverse("accounts:password-reset-new")
    response = browser.post(new, {"new_password1": fresh, "new_password2": fresh}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302
    record = ActionRecord.objects.get()
    assert (record.action, record.user, record.contract, record.ip) == (
        Kind.PASSWORD_RESET,
        contract.user,
        contract,
        "10.9.8.7",
    )
