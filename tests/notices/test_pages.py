"""«Уведомления» in the cabinet: the unread count in the head (never kept in
a cached page), the list with mark read, the settings matrix; constant
query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.roles import Role
from notices.events import Event
from notices.models import Notification, PersonSettings, Preference
from notices.services import notify
from tests.conftest import make_contract, person_client
from tests.notices.conftest import letters
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db

LIST = reverse("notices:list")
SETTINGS = reverse("notices:settings")
HOME = reverse("cabinet:home")


def _tell(contract, period: str, event=Event.INVOICE, url="/charges/") -> None:
    notify(
        event, contract, period, title=f"Договор {contract.number}: событие {period}", body="Текст", url=url
    )


def _badge(count: int) -> str:
    return f'Уведомления<span class="badge" aria-label="{count} непрочитанных">{count}</span></a>'


def test_the_head_shows_each_person_s_own_unread_count_on_a_cached_page(contract, people):
    _tell(contract, "1")
    _tell(contract, "2")
    accountant = person_client(people.accountant, contract=contract)
    assertContains(accountant.get(HOME), _badge(2), html=False)
    # A second accountant: the same cached page (same contract and role), a count of their own.
    from tests.conftest import make_person

    other = make_person(email="second@teplomontazh.example", roles={contract: Role.ACCOUNTANT})
    page = person_client(other, contract=contract).get(HOME).content.decode()
    assert "Уведомления<!--" not in page and "badge" not in page
    assertContains(accountant.get(HOME), _badge(2))
    accountant.post(LIST, {"read_all": "1"})
    page = accountant.get(HOME).content.decode()
    assert "Уведомления</a>" in page and "badge" not in page


def test_the_head_count_costs_no_query_of_its_own(contract, people, django_assert_num_queries):
    client = person_client(people.accountant, contract=contract)
    client.get(HOME)  # the page is cached now
    # The user with the unread count (accounts/backends.py); their membership
    # is kept under its digest, read with the user (accounts/customers.py).
    with django_assert_num_queries(1):
        client.get(HOME)
    for period in range(30):
        _tell(contract, str(period))
    queued_jobs_run()  # their letters leave before the page is counted
    with django_assert_num_queries(1):
        assertContains(client.get(HOME), _badge(30))


def test_the_list_marks_one_or_all_read(contract, people):
    _tell(contract, "1")
    _tell(contract, "2")
    client = person_client(people.accountant, contract=contract)
    page = client.get(LIST)
    assertContains(page, "Договор 12345-ЭС: событие 1")
    assertContains(page, "Номер Договора: 12345-ЭС")
    assertContains(page, "Отметить все прочитанными")
    first = Notification.objects.get(person=people.accountant, key__endswith=":1")
    assert client.post(LIST, {"read": str(first.pk)}).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(person=people.accountant, read_at__isnull=True).count() == 1
    # Another person's notification cannot be marked through this one's session.
    admins = Notification.objects.get(person=people.admin, key__endswith=":2")
    client.post(LIST, {"read": str(admins.pk)})
    admins.refresh_from_db()
    assert admins.read_at is None
    client.post(LIST, {"read_all": "1"})
    assert not Notification.objects.filter(person=people.accountant, read_at__isnull=True).exists()
    assertNotContains(client.get(LIST), "Отметить все прочитанными")


def test_opening_a_notification_works_on_its_contract(contract, people):
    second = make_contract(number="12346-ЭС")
    from accounts.models import Membership

    Membership.objects.create(user=people.accountant, contract=second, role=Role.ACCOUNTANT)
    _tell(second, "ЭРО-7", url=reverse("settlements:charges"))
    notification = Notification.objects.get(person=people.accountant)
    client = person_client(people.accountant, contract=contract)
    opened = client.get(LIST, {"open": notification.pk})
    assert opened.status_code == 302 and opened["Location"] == reverse("settlements:charges")
    assertContains(client.get(HOME), "Номер Договора: <strong>12346-ЭС</strong>")
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Someone else's, or nonsense: the list, nothing switched.
    for value in [str(Notification.objects.exclude(person=people.accountant).first().pk), "abc", "9" * 40]:
        assert client.get(LIST, {"open": value}).status_code == 200


def test_a_contract_the_person_left_disappears_from_the_list(contract, people):
    _tell(contract, "1")
    client = person_client(people.accountant, contract=contract)
    assertContains(client.get(LIST), "событие 1")
    second = make_contract(number="12346-ЭС")
    from accounts.models import Membership

    Membership.objects.create(user=people.accountant, contract=second, role=Role.ACCOUNTANT)
    Membership.objects.filter(user=people.accountant, contract=contract).delete()
    page = person_client(people.accountant, contract=second).get(LIST)
    assertNotContains(page, "событие 1")


def test_the_list_s_queries_do_not_grow(contract, people, django_assert_max_num_queries):
    client = person_client(people.accountant, contract=contract)
    _tell(contract, "0")
    queued_jobs_run()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for period in range(1, 40):
        _tell(contract, str(period))
    queued_jobs_run()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assertContains(client.get(LIST), "событие 39")


def test_the_settings_matrix_offers_the_role_s_events_and_saves(
    contract, people, django_assert_max_num_queries
):
    client = person_client(people.engineer, contract=contract)
    with django_assert_max_num_queries(6):
        page = client.get(SETTINGS)
    text = page.content.decode()
    assert "Открыт прием показаний" in text and "Новое начисление" not in text  # not the engineer's
    field = f"c{contract.pk}-window_closing-sms"
    assert f'name="{field}"' in text and f'name="c{contract.pk}-reading-sms"' not in text
    assert (
        f'name="c{contract.pk}-window_open-email" id="c{contract.pk}-window_open-email" value="1" checked'
        in text
    )

    checked = {f"c{contract.pk}-window_open-in_app": "1", field: "1", f"c{contract.pk}-invoice-email": "1"}
    response = client.post(SETTINGS, {**checked, "digest": "daily"})
    assert response.status_code == 302
    saved = {p.event: (p.in_app, p.email, p.sms) for p in Preference.objects.filter(person=people.engineer)}
    assert saved[Event.WINDOW_OPEN] == (True, False, False)
    assert saved[Event.WINDOW_CLOSING] == (False, False, True)
    assert Event.INVOICE not in saved  # a box for an event the role may not receive is ignored
    assert PersonSettings.objects.get(person=people.engineer).digest == "daily"
    assertContains(client.get(SETTINGS), "Настройки уведомлений сохранены.")

    bad = client.post(SETTINGS, {"digest": "hourly"})
    assertContains(bad, "Выберите, как получать письма.", status_code=400)


def test_settings_cover_every_contract_of_the_person(contract, people):
    second = make_contract(number="12346-ЭС")
    from accounts.models import Membership

    Membership.objects.create(user=people.accountant, contract=second, role=Role.ENGINEER)
    page = person_client(people.accountant, contract=contract).get(SETTINGS)
    assertContains(page, "Номер Договора: 12345-ЭС · Бухгалтер")
    assertContains(page, "Номер Договора: 12346-ЭС · Инженер")


def test_letters_and_pages_name_dates_as_the_clock_says(contract, people, clock):
    clock.set_local(dt.date(2026, 11, 16))
    _tell(contract, "1")
    assertContains(person_client(people.accountant, contract=contract).get(LIST), "16.11.2026")
    assert letters()
