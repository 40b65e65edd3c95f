"""Staff: notifications per contract (read-only) and the «Объявление» to
every contract with a meter at a matching street, through preferences."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from notices.events import Event
from notices.models import Announcement, Notification, Preference
from notices.services import notify
from tests.conftest import make_contract
from tests.meters.conftest import make_meter
from tests.notices.conftest import letters

pytestmark = pytest.mark.django_db

ADD = reverse("admin:notices_announcement_add")


def test_an_announcement_reaches_contracts_at_the_street_through_preferences(admin_client, contract, people):
    make_meter(contract)  # г. Миасс, ул. Калинина, д. 12, пом. 3
    elsewhere = make_contract(number="23456-ЭС", inn="7456009877", kpp="745601001", name="АО «Северный луч»")
    meter = make_meter(elsewhere, serial="ТС-0100")
    meter.address = "г. Челябинск, ул. Кирова, д. 5"
    meter.save()
    Preference.objects.create(
        person=people.viewer, contract=contract, event=Event.ANNOUNCEMENT, in_app=False, email=False
    )
    response = admin_client.post(
        ADD,
        {
            "title": "Отключение горячей воды",
            "text": "17.11.2026 с 9:00 до 18:00 ремонт сети.",
            "street": "калинина",
        },
        follow=True,
    )
    assertContains(response, "Объявление отправлено: договоров — 1, уведомлений — 3.")
    told = Notification.objects.filter(event=Event.ANNOUNCEMENT)
    assert {n.contract.number for n in told} == {"12345-ЭС"}
    assert {n.person for n in told} == {people.admin, people.accountant, people.engineer}
    assert told.first().title == "Договор 12345-ЭС: Отключение горячей воды"
    assert len(letters()) == 3
    announcement = Announcement.objects.get()
    assert (announcement.contracts, announcement.notifications) == (1, 3)

    # Saved again (a resent form, the change page): sent once only.
    admin_client.post(reverse("admin:notices_announcement_change", args=[announcement.pk]), {})
    assert told.count() == 3


def test_an_announcement_matching_nothing_says_so(admin_client, contract):
    response = admin_client.post(ADD, {"title": "Т", "text": "Т", "street": "Несуществующая"}, follow=True)
    assertContains(response, "договоров — 0")


def test_staff_see_a_contract_s_notifications_and_cannot_change_them(admin_client, contract, people):
    notify(
        Event.INVOICE, contract, "1", title="Договор 12345-ЭС: новое начисление", body="Т", url="/charges/"
    )
    changelist = admin_client.get(reverse("admin:notices_notification_changelist"), {"q": "12345"})
    assertContains(changelist, "Договор 12345-ЭС: новое начисление", count=3)
    notification = Notification.objects.first()
    page = admin_client.get(reverse("admin:notices_notification_change", args=[notification.pk]))
    assert page.status_code == 200
    assert admin_client.get(reverse("admin:notices_notification_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:notices_notification_delete", args=[notification.pk])).status_code
        == 403
    )
