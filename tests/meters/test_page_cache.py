"""The meters table of the "Показания" tab is drawn once a day and then read
from the cache until a meter or a reading of the contract changes: database
triggers raise the contract's data version on every such change, whoever
writes it."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Contract
from meters.models import Meter, Reading
from tests.conftest import client_for
from tests.meters.conftest import TODAY, add_reading

pytestmark = pytest.mark.django_db
TAB = reverse("meters:readings")


def version(contract: Contract) -> int:
    return Contract.objects.values_list("data_version", flat=True).get(pk=contract.pk)


def test_every_change_of_meters_and_readings_raises_the_version(contract, other_contract, meter):
    stranger = version(other_contract)
    seen = version(contract)
    changes = [
        lambda: add_reading(meter, dt.date(2026, 10, 20), "1383.725"),
        lambda: Reading.objects.filter(meter=meter).update(
            status=Reading.Status.REJECTED, reason="Фото нечеткое"
        ),
        lambda: Reading.objects.filter(meter=meter).delete(),
        lambda: Meter.objects.filter(pk=meter.pk).update(verification_due=dt.date(2031, 1, 31)),
        lambda: Meter.objects.create(
            contract=contract, serial_number="7", resource="heat", address="-", verification_due=TODAY
        ),
        lambda: Meter.objects.filter(serial_number="7").delete(),
    ]
    for change in changes:
        change()
        assert version(contract) > seen
        seen = version(contract)
    assert version(other_contract) == stranger


def test_set_based_sql_raises_the_version_once(contract, meter):
    before = version(contract)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO meters_reading (meter_id, value, reading_date, submitted_at, source, status,"
            " review_note, reason, is_rollover)"
            " SELECT %s, 100 + n, make_date(2020, n, 20), now(), 'import', 'accepted', '', '', false"
            " FROM generate_series(1, 12) n",
            [meter.pk],
        )
    assert version(contract) == before + 1


def test_a_new_reading_shows_at_once(customer_client, meter, fixed_today, django_assert_num_queries):
    assertContains(customer_client.get(TAB), "—")
    with django_assert_num_queries(1):  # the user with its unread count: the table comes from the cache
        customer_client.get(TAB)
    add_reading(meter, dt.date(2026, 11, 10), "1383.725")
    assertContains(customer_client.get(TAB), "001383,725")

    Reading.objects.filter(meter=meter).update(status=Reading.Status.REJECTED, reason="Фото нечеткое")
    page = customer_client.get(TAB)
    assertContains(page, "Отклонено")
    assertContains(page, "Фото нечеткое")


def test_a_sent_reading_shows_at_once(customer_client, meter, fixed_today):
    customer_client.get(TAB)
    customer_client.post(reverse("meters:submit", args=[meter.pk]), {"whole": "001383", "fraction": "725"})
    assertContains(customer_client.get(TAB), "001383,725")


def test_a_changed_meter_shows_at_once(customer_client, meter, fixed_today):
    assertContains(customer_client.get(TAB), "31.12.2030")
    Meter.objects.filter(pk=meter.pk).update(verification_due=dt.date(2031, 6, 30))
    page = customer_client.get(TAB)
    assertContains(page, "30.06.2031")
    assertNotContains(page, "31.12.2030")
    Meter.objects.filter(pk=meter.pk).update(is_active=False)
    assertContains(customer_client.get(TAB), "По договору нет приборов учета в работе.")


def test_a_verification_date_passing_shows_the_next_day(customer_client, contract, clock):
    Meter.objects.create(
        contract=contract,
        serial_number="555",
        resource=Meter.Resource.HEAT,
        address="г. Миасс",
        verification_due=TODAY,
    )
    clock.set_local(TODAY)
    assertNotContains(customer_client.get(TAB), "срок истек")
    clock.set_local(TODAY + dt.timedelta(days=1))
    assertContains(customer_client.get(TAB), "срок истек")


def test_one_customer_never_gets_anothers_meters(customer_client, other_contract, meter, fixed_today):
    other = client_for(other_contract)
    assertContains(customer_client.get(TAB), "001383")
    assertNotContains(other.get(TAB), "001383")
