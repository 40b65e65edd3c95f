"""The demo stays current: loaded on any day up to 2035, it runs to that day
and the demo customer's main page and readings work."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Contract
from enser_cabinet.dates import month_start
from enser_cabinet.demo.customers import DEMO_PASSWORD
from enser_cabinet.formatting import format_money

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[dt.date(2028, 7, 10), dt.date(2035, 1, 31)], ids=str)
def today(request, clock):
    clock.set_local(request.param)
    call_command("seed_demo", stdout=io.StringIO())
    return request.param


def test_charges_payments_and_readings_run_to_that_day(today):
    for contract in Contract.objects.filter(number__in=["12345-ЭС", "54321-ЭС"]):
        latest = contract.invoices.order_by("-date").first()
        assert (latest.date.year, latest.date.month) == (today.year, today.month)
        assert contract.payments.order_by("-date").first().date <= today
        for meter in contract.meters.all():
            readings = meter.readings.order_by("reading_date")
            assert readings.count() == 24
            assert month_start(readings.last().reading_date) == month_start(today, -1)
            assert meter.verification_due > today


def test_the_demo_customer_signs_in_and_sees_the_balance_of_that_day(today):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"contract_number": "12345-ЭС", "secret": DEMO_PASSWORD}
    )
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    contract = Contract.objects.get(number="12345-ЭС")
    charged = contract.invoices.aggregate(total=Sum("amount"))["total"]
    paid = contract.payments.aggregate(total=Sum("amount"))["total"]
    assert charged > paid
    home = client.get(reverse("cabinet:home"))
    assertContains(home, f'Задолженность <span class="amount">{format_money(charged - paid)}&nbsp;₽</span>')
    readings = client.get(reverse("meters:readings"))
    assertContains(readings, "041583")
    first = Client().post(reverse("accounts:login"), {"contract_number": "54321-ЭС", "secret": "7456009877"})
    assertRedirects(first, reverse("accounts:register"), fetch_redirect_response=False)
