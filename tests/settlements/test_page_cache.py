"""The tables of the main page and of the three tabs are drawn once and then
read from the cache until the contract's data changes: a repeated page reads
only the user, and a payment, an invoice or one of its lines, or the
contract's requisites show on the very next request."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Contract
from settlements.models import InvoiceLine, Payment
from tests.conftest import client_for, make_invoice, make_payment
from tests.settlements.conftest import MANUAL_PERIOD

pytestmark = pytest.mark.django_db

HOME = reverse("cabinet:home")
SETTLEMENTS = reverse("settlements:settlements")
CHARGES = reverse("settlements:charges")
PAYMENTS = reverse("settlements:payments")


def without_token(page: str | bytes) -> str:
    """The page without its CSRF token (the sign-out form's), masked anew on every request."""
    text = page.decode() if isinstance(page, bytes) else page
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def tables_read(client, url: str, query: dict | None = None) -> tuple[str, int]:
    """The page and how many of its queries read more than the user (and
    the head's unread notifications count, which is the person's own)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
    assert response.status_code == 200
    beyond_user = [
        q["sql"]
        for q in queries
        if not q["sql"].startswith('SELECT "accounts_user"') and 'FROM "notices_notification"' not in q["sql"]
    ]
    return response.content.decode(), len(beyond_user)


@pytest.mark.parametrize(
    ("url", "query"),
    [(HOME, None), (SETTLEMENTS, MANUAL_PERIOD), (CHARGES, MANUAL_PERIOD), (PAYMENTS, MANUAL_PERIOD)],
)
def test_a_repeated_page_is_the_same_without_reading_the_ledger(
    contract, url, query, django_assert_num_queries
):
    client = client_for(contract)
    first, drawn = tables_read(client, url, query)
    assert drawn >= 1
    # The user, with the contract, its organization and the unread notifications count.
    with django_assert_num_queries(1):
        again = client.get(url, query or {})
    assert without_token(again.content) == without_token(first)


def test_a_new_payment_shows_on_the_next_request(contract):
    client = client_for(contract)
    home, _ = tables_read(client, HOME)
    settlements, drawn = tables_read(client, SETTLEMENTS, MANUAL_PERIOD)
    payments, _ = tables_read(client, PAYMENTS, MANUAL_PERIOD)
    assert "1\u00a0234,56" not in settlements + payments and "13\u00a0481,16" in home

    make_payment(contract, dt.date(2021, 12, 15), "1234.56")
    assertContains(client.get(SETTLEMENTS, MANUAL_PERIOD), "1\u00a0234,56")
    assertContains(client.get(PAYMENTS, MANUAL_PERIOD), "1\u00a0234,56")
    assertContains(client.get(HOME), "12\u00a0246,60")  # 13 481,16 − 1 234,56
    # Drawn once more after the change, then read from the cache again.
    assert tables_read(client, SETTLEMENTS, MANUAL_PERIOD)[1] == 0
    Payment.objects.filter(contract=contract).update(amount=Decimal("1000.00"))
    page, again = tables_read(client, SETTLEMENTS, MANUAL_PERIOD)
    assert "1\u00a0000,00" in page and "1\u00a0234,56" not in page
    assert again == drawn


def test_a_new_invoice_and_a_corrected_line_show_on_the_next_request(contract):
    client = client_for(contract)
    query = {**MANUAL_PERIOD, "all": "1"}
    assertNotContains(client.get(CHARGES, query), "ЭРО-3")
    invoice = make_invoice(contract, dt.date(2021, 12, 31), "600.00", number="ЭРО-3")
    assertContains(client.get(CHARGES, query), "ЭРО-3")
    assertContains(client.get(SETTLEMENTS, MANUAL_PERIOD), "600,00")

    assertNotContains(client.get(CHARGES, query), "Склад")
    InvoiceLine.objects.filter(invoice=invoice).update(installation="Склад")
    assertContains(client.get(CHARGES, query), "Склад")


def test_detailed_and_folded_charges_are_kept_apart(contract):
    client = client_for(contract)
    folded = client.get(CHARGES, MANUAL_PERIOD).content.decode()
    detailed = client.get(CHARGES, {**MANUAL_PERIOD, "all": "1"}).content.decode()
    assert "<details open>" in detailed and "<details open>" not in folded
    assert "<details open>" not in client.get(CHARGES, MANUAL_PERIOD).content.decode()


def test_each_period_has_its_own_table(contract):
    client = client_for(contract)
    october = {"start": "01.10.2021", "end": "31.10.2021"}
    assertContains(client.get(SETTLEMENTS, MANUAL_PERIOD), "8\u00a0088,70")
    page = client.get(SETTLEMENTS, october)
    assertContains(page, "5\u00a0392,46")
    assertNotContains(page, "8\u00a0088,70")


def test_one_customer_never_gets_anothers_table(contract, other_contract):
    client_for(other_contract).get(SETTLEMENTS, MANUAL_PERIOD)
    page = client_for(contract).get(SETTLEMENTS, MANUAL_PERIOD)
    assertNotContains(page, "777\u00a0777,77")
    assertContains(page, "13\u00a0481,16")


def test_a_changed_service_shows_on_the_main_page(contract):
    client = client_for(contract)
    assertContains(client.get(HOME), "Теплоснабжение и горячее водоснабжение")
    Contract.objects.filter(pk=contract.pk).update(service="Теплоснабжение")
    page = client.get(HOME)
    assertNotContains(page, "Теплоснабжение и горячее водоснабжение")
    assertContains(page, "Теплоснабжение (12345-ЭС)")


def test_a_bad_period_is_never_cached(contract):
    client = client_for(contract)
    bad = {"start": "31.12.2021", "end": "01.10.2021"}
    assertContains(
        client.get(SETTLEMENTS, bad), "Конечная дата не может быть раньше начальной.", status_code=400
    )
    assertContains(
        client.get(SETTLEMENTS, bad), "Конечная дата не может быть раньше начальной.", status_code=400
    )
    assertNotContains(client.get(SETTLEMENTS, MANUAL_PERIOD), "Конечная дата не может быть раньше начальной.")


@pytest.mark.parametrize(
    ("url", "query"), [(HOME, None), (SETTLEMENTS, MANUAL_PERIOD), (CHARGES, MANUAL_PERIOD)]
)
def test_pages_are_drawn_while_redis_is_down(contract, redis, url, query):
    client = client_for(contract)
    expected = client.get(url, query or {}).content
    with redis.down():
        response = client.get(url, query or {})
    assert response.status_code == 200
    assert without_token(response.content) == without_token(expected)
