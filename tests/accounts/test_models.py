import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Contract, Organization
from settlements.ledger import contract_balance
from settlements.models import Invoice, InvoiceLine, Payment
from tests.conftest import make_contract, make_invoice

pytestmark = pytest.mark.django_db


def test_contract_number_is_unique(contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            number="12345-ЭС", organization=contract.organization, signed_on=dt.date.today()
        )


def test_contract_number_format_is_enforced_by_the_database(contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            number="12345-ES", organization=contract.organization, signed_on=dt.date.today()
        )


def test_contract_number_format_is_validated(contract):
    bad = Contract(number="1234-ЭС", organization=contract.organization, signed_on=dt.date.today())
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "number" in error.value.message_dict


def test_organization_inn_checksum_is_validated():
    organization = Organization(name="ООО «Ошибка»", inn="7453012343", kpp="745301001")
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "inn" in error.value.message_dict


def test_organization_inn_and_kpp_are_unique(contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Дубль", inn="7453012342", kpp="745301001")


def test_invoice_number_is_unique_per_contract(contract, other_contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invoice(contract, dt.date(2022, 1, 31), "100.00", number="ЭРО-1")
    # The same number on another contract is another invoice.
    make_invoice(other_contract, dt.date(2022, 1, 31), "100.00", number="ЭРО-1")


@pytest.mark.parametrize("amount, vat", [("100.00", "120.00"), ("100.00", "-1.00"), ("-100.00", "5.00")])
def test_invoice_vat_must_lie_within_the_amount(contract, amount, vat):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            contract=contract,
            date=dt.date(2022, 1, 31),
            number="X",
            amount=Decimal(amount),
            vat_amount=Decimal(vat),
        )


def test_a_correction_may_be_negative_and_lowers_the_balance(contract):
    before = contract_balance(contract=contract).amount
    Invoice.objects.create(
        contract=contract,
        date=dt.date(2022, 1, 31),
        number="КОР-1",
        operation_type="Корректировка",
        amount=Decimal("-600.00"),
        vat_amount=Decimal("-100.00"),
    )
    assert contract_balance(contract=contract).amount == before - Decimal("600.00")


def test_invoice_line_total_must_equal_amount_plus_vat(contract):
    invoice = contract.invoices.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=invoice,
            installation="x",
            tariff="Тепловая энергия",
            unit="Гкал",
            quantity=Decimal("1"),
            price=Decimal("10.00"),
            amount=Decimal("10.00"),
            vat_amount=Decimal("2.00"),
            vat_rate=Decimal("20.00"),
            total=Decimal("12.01"),
        )


def test_zero_payment_is_refused(contract):
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(contract=contract, date=dt.date(2022, 1, 1), amount=Decimal("0.00"))


def test_money_is_stored_to_the_kopeck(contract):
    invoice = Invoice.objects.get(number="ЭРО-1")
    assert invoice.amount == Decimal("5392.46")
    assert invoice.lines.get().total == Decimal("5392.46")


def test_one_contract_has_one_user():
    contract = make_contract(number="11111-ЭС")
    assert contract.user.username == "11111-ЭС"
