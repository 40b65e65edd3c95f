"""Every address of the three tabs is the signed-in customer's own."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertNotContains

from accounts.models import User
from tests.conftest import make_payment
from tests.settlements.conftest import MANUAL_PERIOD, PERIOD_URLS, html, pdf_text, workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", PERIOD_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name), MANUAL_PERIOD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PERIOD_URLS)
def test_staff_without_a_contract_gets_404(db, name):
    staff = User.objects.create_user(username="operator", password="x-Staff-2024", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse(name), MANUAL_PERIOD).status_code == 404


@pytest.mark.parametrize("name", PERIOD_URLS)
def test_another_customer_sees_only_its_own_figures(contract, other_contract, other_client, name):
    make_payment(contract, dt.date(2021, 11, 15), "1111.11")
    make_payment(other_contract, dt.date(2021, 11, 15), "777777.77")
    response = other_client.get(reverse(name), MANUAL_PERIOD)
    assert response.status_code == 200
    kind = response["Content-Type"]
    if kind.startswith("text/html"):
        text = html(response)
    elif kind == "application/pdf":
        text = "\n".join(pdf_text(response.content))
    else:
        book = workbook(response.content)
        text = "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
        text = text.replace("777777.77", "777 777,77")
        assert "99999-ES" in response["Content-Disposition"]
    assert "777 777,77" in text.replace("777777,77", "777 777,77")
    for theirs in ["5 392,46", "5392,46", "5392.46", "1 111,11", "1111.11", "12345-ЭС", "ЭРО-1"]:
        assert theirs not in text


def test_another_customers_invoice_is_404(contract, other_client, customer_client):
    invoice = contract.invoices.get(number="ЭРО-1")
    url = reverse("settlements:invoice", args=[invoice.pk])
    assert customer_client.get(url).status_code == 200
    response = other_client.get(url)
    assertNotContains(response, "5\u00a0392,46", status_code=404)


def test_unknown_and_huge_invoice_ids_are_404(customer_client):
    for invoice_id in [0, 987654321, 10**30]:
        assert customer_client.get(f"/charges/{invoice_id}/").status_code == 404


def test_a_contract_in_the_query_string_changes_nothing(contract, other_client):
    """No address of this issue names a contract: each is the session's own."""
    for name in PERIOD_URLS:
        response = other_client.get(
            reverse(name), {**MANUAL_PERIOD, "contract": contract.pk, "contract_id": contract.pk}
        )
        assert response.status_code == 200
        assert "12345" not in (
            html(response) if "html" in response["Content-Type"] else response["Content-Disposition"]
        )
