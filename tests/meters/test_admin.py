"""Staff review in admin: filters, accept, reject with a reason the customer then sees."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from meters.models import Reading
from tests.conftest import staff_client_for
from tests.meters.conftest import TODAY, add_reading, monthly_history

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:meters_reading_changelist")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser(username="controller", password="x-Staff-2024", email="c@example.ru")


@pytest.fixture
def staff_client(staff) -> Client:
    return staff_client_for(staff)


@pytest.fixture
def pending(customer_client, meter, fixed_today) -> Reading:
    """A spike the customer sent from the cabinet, held for review."""
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    customer_client.post(
        reverse("meters:submit", args=[meter.pk]),
        {"whole": "1500", "fraction": "25"},
        REMOTE_ADDR="198.51.100.4",
    )
    return Reading.objects.get(status=Reading.Status.REVIEW)


def test_the_list_shows_who_sent_each_reading_and_from_where(staff_client, pending):
    page = staff_client.get(CHANGELIST, {"status__exact": "review"})
    for text in [
        "001500,250 м³",
        "12345-ЭС",
        "198.51.100.4",
        "личный кабинет",
        "более чем в 3 раза выше обычного",
    ]:
        assertContains(page, text)
    # Filtered by status: the accepted history is not listed.
    assertNotContains(page, "001110,000")


def test_readings_filter_by_period(staff_client, pending):
    november = staff_client.get(CHANGELIST, {"reading_date__year": "2026", "reading_date__month": "11"})
    assertContains(november, "001500,250")
    assertNotContains(november, "001110,000")
    october = staff_client.get(CHANGELIST, {"reading_date__year": "2026", "reading_date__month": "10"})
    assertContains(october, "001110,000")
    assertNotContains(october, "001100,000")
    assertNotContains(october, "001500,250")


def test_staff_accept_a_reading_on_review(staff_client, staff, pending, customer_client):
    response = staff_client.post(
        CHANGELIST, {"action": "accept_readings", ACTION_CHECKBOX_NAME: [pending.pk]}, follow=True
    )
    assertContains(response, "Принято показаний: 1.")
    pending.refresh_from_db()
    assert (pending.status, pending.reviewed_by) == (Reading.Status.ACCEPTED, staff)
    assert pending.reviewed_at is not None
    assertContains(customer_client.get(reverse("meters:readings")), "001500,250")


def test_reject_asks_for_a_reason_and_the_customer_sees_it(staff_client, staff, pending, customer_client):
    ask = staff_client.post(CHANGELIST, {"action": "reject_readings", ACTION_CHECKBOX_NAME: [pending.pk]})
    for text in ["Причина отклонения", "001500,250", "198.51.100.4"]:
        assertContains(ask, text)
    pending.refresh_from_db()
    assert pending.status == Reading.Status.REVIEW  # nothing decided before the reason

    empty = staff_client.post(
        CHANGELIST,
        {"action": "reject_readings", "apply": "1", ACTION_CHECKBOX_NAME: [pending.pk], "reason": "  "},
    )
    assertContains(empty, "Обязательное поле")
    pending.refresh_from_db()
    assert pending.status == Reading.Status.REVIEW

    reason = "Контрольное снятие 20.11.2026 показало 001121,000 м³."
    done = staff_client.post(
        CHANGELIST,
        {"action": "reject_readings", "apply": "1", ACTION_CHECKBOX_NAME: [pending.pk], "reason": reason},
        follow=True,
    )
    assertContains(done, "Отклонено показаний: 1.")
    pending.refresh_from_db()
    assert (pending.status, pending.reason, pending.reviewed_by) == (Reading.Status.REJECTED, reason, staff)
    assertContains(customer_client.get(reverse("meters:readings")), "Отклонено</span>: " + reason)


def test_only_readings_on_review_are_decided(staff_client, meter, fixed_today):
    accepted = add_reading(meter, TODAY, "5")
    response = staff_client.post(
        CHANGELIST,
        {"action": "reject_readings", "apply": "1", ACTION_CHECKBOX_NAME: [accepted.pk], "reason": "Ошибка"},
        follow=True,
    )
    assertContains(response, "уже не на проверке: Принято")
    accepted.refresh_from_db()
    assert accepted.status == Reading.Status.ACCEPTED


def test_readings_are_not_edited_or_deleted_in_admin(staff_client, pending):
    change = staff_client.get(reverse("admin:meters_reading_change", args=[pending.pk]))
    assertNotContains(change, 'name="value"')
    response = staff_client.post(reverse("admin:meters_reading_delete", args=[pending.pk]), {"post": "yes"})
    assert response.status_code == 403


ADD = reverse("admin:meters_reading_add")


def test_staff_enter_a_control_reading_through_the_same_rules(staff_client, staff, meter, fixed_today):
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    form = staff_client.get(ADD)
    for field in ['name="meter"', 'name="value"', 'name="reading_date"']:
        assertContains(form, field)

    lower = staff_client.post(ADD, {"meter": meter.pk, "value": "1000", "reading_date": "16.11.2026"})
    assertContains(lower, "Показания не могут быть меньше последних принятых")
    future = staff_client.post(ADD, {"meter": meter.pk, "value": "1200", "reading_date": "17.11.2026"})
    assertContains(future, "Дата показаний не может быть позже сегодняшней.")
    early = staff_client.post(ADD, {"meter": meter.pk, "value": "1200", "reading_date": "19.10.2026"})
    assertContains(early, "раньше последних принятых показаний (20.10.2026)")
    assert Reading.objects.count() == 12

    # A control reading far above the usual is accepted: staff are the reviewers.
    done = staff_client.post(
        ADD, {"meter": meter.pk, "value": "1500,5", "reading_date": "15.11.2026"}, REMOTE_ADDR="10.1.2.3"
    )
    assert done.status_code == 302, re.findall(r"errorlist[^<]*<li>([^<]*)", done.content.decode())
    reading = Reading.objects.get(value="1500.5")
    assert (reading.source, reading.status, reading.submitted_by, reading.ip) == (
        Reading.Source.STAFF,
        Reading.Status.ACCEPTED,
        staff,
        "10.1.2.3",
    )
    assert reading.consumption == Decimal("390.5") and reading.reading_date == dt.date(2026, 11, 15)


def test_meters_are_listed_and_found_by_contract(staff_client, meter, other_contract):
    page = staff_client.get(reverse("admin:meters_meter_changelist"), {"q": "12345"})
    assertContains(page, "001383")
    assertContains(page, "000000,000")
    assertContains(staff_client.get(reverse("admin:index")), "Приборы учета")


def test_a_rejection_is_emailed_to_the_customer_with_the_reason(
    staff_client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    reason = "Контрольное снятие 20.11.2026 показало 001121,000 м³."
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            CHANGELIST,
            {"action": "reject_readings", "apply": "1", ACTION_CHECKBOX_NAME: [pending.pk], "reason": reason},
        )
    # The customer heard of the review when they sent it (notices/); now of the rejection.
    rejections = [letter for letter in mailoutbox if "отклонены" in letter.subject]
    assert len(rejections) == 1
    letter = rejections[0]
    assert letter.to == [pending.meter.contract.user.email]
    assert "отклонены" in letter.subject and pending.meter.serial_number in letter.subject
    assert reason in letter.body and "001500,250 м³" in letter.body
    assert reason in letter.alternatives[0][0]


def test_a_rejection_letter_that_fails_leaves_the_decision_standing(
    staff_client, pending, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {
                "action": "reject_readings",
                "apply": "1",
                ACTION_CHECKBOX_NAME: [pending.pk],
                "reason": "Ошибка",
            },
            follow=True,
        )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Reading.Status.REJECTED
