import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from settlements.models import Invoice, Payment
from tests.conftest import staff_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db):
    admin = User.objects.create_superuser(username="staff", password="x-Staff-2024", email="s@example.ru")
    return staff_client_for(admin)


@pytest.fixture
def payments(contract, other_contract):
    Payment.objects.create(
        contract=contract, date=dt.date(2022, 1, 20), amount=Decimal("100.00"), document_number="ПП-СВОЙ"
    )
    Payment.objects.create(
        contract=other_contract,
        date=dt.date(2022, 1, 20),
        amount=Decimal("100.00"),
        document_number="ПП-ЧУЖОЙ",
    )


@pytest.mark.parametrize(
    "url, query, expected, absent",
    [
        ("admin:accounts_contract_changelist", "12345", "12345-ЭС", "99999-ЭС"),
        ("admin:accounts_contract_changelist", "7453012342", "12345-ЭС", "99999-ЭС"),
        ("admin:accounts_organization_changelist", "Тепломонтаж", "7453012342", "7702070139"),
        ("admin:settlements_invoice_changelist", "12345-ЭС", "ЭРО-1", "ЭРО-ЧУЖОЙ"),
        ("admin:settlements_payment_changelist", "12345", "ПП-СВОЙ", "ПП-ЧУЖОЙ"),
        ("admin:settlements_payment_changelist", "Тепломонтаж", "ПП-СВОЙ", "ПП-ЧУЖОЙ"),
    ],
)
def test_staff_search_by_contract_inn_and_name(staff_client, payments, url, query, expected, absent):
    response = staff_client.get(reverse(url), {"q": query})
    assertContains(response, expected)
    assertNotContains(response, absent)


def test_admin_speaks_russian(staff_client, contract):
    page = staff_client.get(reverse("admin:index"))
    for text in ["Договоры", "Начисления", "Оплаты"]:
        assertContains(page, text)


def test_contract_shows_its_registration_state(staff_client, contract):
    page = staff_client.get(reverse("admin:accounts_contract_change", args=[contract.pk]))
    assert "зарегистрирован в кабинете" in page.content.decode().lower(), "no registration state"
    assertContains(page, "по электронной почте")


def test_invoice_opens_with_its_lines_and_cannot_be_edited_or_deleted(staff_client, contract):
    invoice = Invoice.objects.get(number="ЭРО-1")
    response = staff_client.get(reverse("admin:settlements_invoice_change", args=[invoice.pk]))
    assertContains(response, "Тепловая энергия")
    assertNotContains(response, 'name="_save"')
    delete = staff_client.post(
        reverse("admin:settlements_invoice_delete", args=[invoice.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()
