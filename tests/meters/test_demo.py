import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from accounts.models import Contract
from enser_cabinet.demo.meters import demo_meters_seed
from meters.models import Meter, Reading
from meters.services import reading_submit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_each_demo_contract_has_a_heat_and_a_hot_water_meter_with_24_months(seeded):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for number in ("12345-ЭС", "54321-ЭС"):
        meters = Meter.objects.filter(contract__number=number)
        assert sorted((m.resource, m.unit) for m in meters) == [("heat", "Гкал"), ("hot_water", "м³")]
        for meter in meters:
            readings = list(meter.readings.order_by("reading_date"))
            assert len(readings) == 24
            assert {r.status for r in readings} == {Reading.Status.ACCEPTED}
            newest = readings[-1].reading_date
            assert (newest.year, newest.month) == (last_month.year, last_month.month)
            # Each value is the previous plus its consumption.
            for before, after in itertools.pairwise(readings):
                assert after.value - before.value == after.consumption >= 0
            assert meter.verification_due > today


def test_later_months_continue_the_same_figures(db):
    call_command("seed_demo", stdout=io.StringIO())
    contracts = list(Contract.objects.filter(number__in=["12345-ЭС", "54321-ЭС"]))
    Reading.objects.all().delete()
    demo_meters_seed(contracts=contracts, today=dt.date(2026, 6, 10))
    june = dict(Reading.objects.values_list("meter_id", "value").filter(reading_date=dt.date(2026, 5, 25)))
    message = demo_meters_seed(contracts=contracts, today=dt.date(2026, 9, 3))
    assert message == "Создано приборов учета: 0, показаний: 12."
    assert june == dict(
        Reading.objects.values_list("meter_id", "value").filter(reading_date=dt.date(2026, 5, 25))
    )
    assert Reading.objects.filter(reading_date=dt.date(2026, 8, 25)).count() == 4


def test_the_demo_customer_can_send_this_months_reading(seeded):
    contract = Contract.objects.get(number="12345-ЭС")
    meter = contract.meters.get(resource=Meter.Resource.HOT_WATER)
    last = meter.readings.order_by("-reading_date").first()
    submission = reading_submit(
        meter=meter,
        value=last.value + Decimal("8.125"),
        user=contract.user,
        ip=None,
        today=timezone.localdate(),
    )
    assert submission.reading.status == Reading.Status.ACCEPTED
    page = client_for(contract).get(reverse("meters:readings"))
    assertContains(page, "Принято")
    assertContains(page, meter.display(submission.reading.value))
