"""Who hears what: role defaults, own preferences, each notification once,
and nobody hears of a contract they lost access to."""

import datetime as dt

import pytest

from accounts.models import Membership
from accounts.roles import Role
from notices.events import Event
from notices.models import Notification, Preference
from notices.services import Notice, notify, notify_many
from tests.notices.conftest import letters, texts

pytestmark = pytest.mark.django_db


def _tell(contract, event=Event.INVOICE, period="2026-11", sms=""):
    return notify(
        event,
        contract,
        period,
        title=f"Договор {contract.number}: событие",
        body="Текст",
        url="/charges/",
        sms=sms,
    )


def _told(event) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("person__email", flat=True))


EXPECTED_DEFAULTS = {
    Event.INVOICE: {Role.ADMIN, Role.ACCOUNTANT, Role.VIEWER},
    Event.PAYMENT: {Role.ADMIN, Role.ACCOUNTANT},
    Event.DEBT: {Role.ADMIN, Role.ACCOUNTANT},
    Event.WINDOW_OPEN: {Role.ADMIN, Role.ENGINEER},
    Event.WINDOW_CLOSING: {Role.ADMIN, Role.ENGINEER},
    Event.READING: {Role.ADMIN, Role.ENGINEER},
    Event.VERIFICATION: {Role.ADMIN, Role.ENGINEER},
    Event.APPEAL: {Role.ADMIN},
    Event.ANNOUNCEMENT: set(Role),
}


@pytest.mark.parametrize("event", list(Event), ids=str)
def test_each_role_hears_its_default_events(contract, people, event):
    _tell(contract, event)
    by_role = {getattr(people, role.value).email: role for role in Role}
    assert {by_role[email] for email in _told(event)} == EXPECTED_DEFAULTS[event]
    # By letter too, and never by SMS unasked.
    assert {m.to for m in letters()} == _told(event)
    assert texts() == []


def test_a_second_run_makes_no_second_copy(contract, people):
    assert _tell(contract) == 3
    assert _tell(contract) == 0
    assert notify_many(Event.INVOICE, [Notice(contract.pk, contract.number, "2026-11", "Т", "Т", "/")]) == 0
    assert Notification.objects.count() == 3 and len(letters()) == 3
    # Another period is another notification.
    assert _tell(contract, period="2026-12") == 3


def test_own_choices_override_the_role(contract, people):
    # The accountant keeps invoices in the cabinet but takes no letters of them;
    # the engineer asks for invoices, which the role may not read: refused.
    Preference.objects.create(
        person=people.accountant, contract=contract, event=Event.INVOICE, in_app=True, email=False
    )
    Preference.objects.create(
        person=people.viewer, contract=contract, event=Event.INVOICE, in_app=False, email=False
    )
    Preference.objects.create(
        person=people.engineer, contract=contract, event=Event.INVOICE, in_app=True, email=True
    )
    _tell(contract)
    assert _told(Event.INVOICE) == {people.admin.email, people.accountant.email}
    assert [m.to for m in letters()] == [people.admin.email]


def test_sms_only_when_opted_in_and_only_for_two_events(contract, people):
    for event in (Event.DEBT, Event.INVOICE):
        Preference.objects.create(
            person=people.accountant, contract=contract, event=event, in_app=True, email=False, sms=True
        )
    _tell(contract, Event.DEBT, sms="АО «ЭнСер»: задолженность")
    _tell(contract, Event.INVOICE, sms="не должно уйти")
    assert [(m.to, m.body.strip()) for m in texts()] == [("+79120000002", "АО «ЭнСер»: задолженность")]
    assert not texts()[0].secret  # a notice, not a code: on the bulk queue, kept for staff


def test_a_person_who_loses_access_hears_nothing_more(contract, people):
    _tell(contract, period="2026-10")
    Membership.objects.filter(user=people.accountant, contract=contract).delete()
    _tell(contract, period="2026-11")
    assert set(
        Notification.objects.filter(key__endswith=":2026-11").values_list("person__email", flat=True)
    ) == {people.admin.email, people.viewer.email}


def test_an_inactive_person_or_an_unregistered_contract_hears_nothing(contract, people):
    people.viewer.is_active = False
    people.viewer.save()
    _tell(contract)
    assert people.viewer.email not in _told(Event.INVOICE)
    contract.registered_at = None
    contract.save()
    assert _tell(contract, period="2026-12") == 0


def test_the_key_names_event_contract_person_and_period(contract, people):
    _tell(contract, period="2026-11")
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"invoice:{contract.pk}:{people.accountant.pk}:2026-11" in keys


def test_a_letter_names_the_contract_and_links_to_the_notification(contract, people, settings):
    settings.CABINET_URL = "https://lk.rm-enser.ru"
    _tell(contract)
    letter = next(m for m in letters() if m.to == people.accountant.email)
    notification = Notification.objects.get(person=people.accountant)
    assert "12345-ЭС" in letter.subject
    assert f"https://lk.rm-enser.ru/notifications/?open={notification.pk}" in letter.body
    assert letter.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert letter.headers["List-Unsubscribe"].startswith("<https://lk.rm-enser.ru/notifications/unsubscribe/")


def test_dates_in_texts_do_not_depend_on_today(contract, people, clock):
    clock.set_local(dt.date(2030, 1, 1))
    _tell(contract)
    assert Notification.objects.first().created_at.date() == dt.date(2030, 1, 1)


def test_many_letters_are_queued_in_as_many_statements_as_a_few(db, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_contract

    def notices(count: int) -> list[Notice]:
        return [
            Notice(contract.pk, contract.number, "2026-11", "Т", "Т", "/readings/")
            for contract in (make_contract() for _ in range(count))
        ]

    few, many = notices(2), notices(12)
    with CaptureQueriesContext(connection) as two:
        assert notify_many(Event.WINDOW_OPEN, few) == 2
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert notify_many(Event.WINDOW_OPEN, many) == 12
    assert len(letters()) == 14
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT queue_name, count(*) FROM procrastinate_jobs"
            " WHERE task_name = 'outbox.deliver' GROUP BY queue_name"
        )
        assert cursor.fetchall() == [("messages", 14)]
