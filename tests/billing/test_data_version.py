"""The import turns the data_version triggers of invoices off for its own
statements and raises each contract it changed once itself: what is cached
of a contract must still change with its invoices, and every other writer,
in the same transaction too, still goes through the triggers. The foreign
keys stay as declared, checked at the commit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Contract
from enser_cabinet.data_version import WRITER_RAISES
from settlements.models import Invoice, InvoiceLine
from tests.billing.conftest import edited, ero2_second_line_changed, run_import, set_cell, summary

pytestmark = pytest.mark.django_db


def versions() -> dict[str, int]:
    return dict(Contract.objects.values_list("number", "data_version"))


def test_a_first_load_raises_the_contracts_with_invoices(sample):
    run_import(sample / "contracts.csv")
    before = versions()
    run_import(sample / "invoices.csv")
    after = versions()
    with_invoices = set(Invoice.objects.values_list("contract__number", flat=True))
    assert with_invoices
    assert {n for n in after if after[n] > before[n]} == with_invoices


def test_a_changed_line_raises_its_contract_only(tmp_path, sample):
    run_import(sample)
    before = versions()

    counts = summary(run_import(edited(tmp_path, "invoices.csv", ero2_second_line_changed) / "invoices.csv"))
    assert counts["начисления"] == (0, 1, 5, 0)
    after = versions()
    assert {n for n in after if after[n] != before[n]} == {"12345-ЭС"}


def test_a_line_replaced_with_the_same_sums_raises_its_contract(tmp_path, sample):
    """Only the lines differ (not the invoice's sums): the contract is raised all the same."""
    run_import(sample)
    before = versions()
    folder = edited(tmp_path, "invoices.csv", lambda h, rows: set_cell(h, rows, 5, "installation", "Гараж"))
    counts = summary(run_import(folder / "invoices.csv"))
    assert counts["начисления"] == (0, 1, 5, 0)
    assert InvoiceLine.objects.filter(installation="Гараж").count() == 1
    after = versions()
    assert {n for n in after if after[n] != before[n]} == {"12345-ЭС"}


def test_an_unchanged_reimport_raises_nothing(sample):
    run_import(sample)
    before = versions()
    run_import(sample)
    assert versions() == before


def test_after_an_import_the_triggers_raise_again_for_other_writers(sample):
    # In the import's own (test) transaction, right after it.
    run_import(sample)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [WRITER_RAISES])
        assert cursor.fetchone()[0] in ("", None)
    invoice = Invoice.objects.get(number="ЭРО-2")
    seen = versions()[invoice.contract.number]
    InvoiceLine.objects.filter(invoice=invoice).update(installation="Склад")
    assert versions()[invoice.contract.number] > seen
    seen = versions()[invoice.contract.number]
    Invoice.objects.filter(pk=invoice.pk).update(operation_type="Корректировка")
    assert versions()[invoice.contract.number] > seen


def test_a_failed_import_leaves_the_triggers_on(tmp_path, sample):
    run_import(sample)
    folder = edited(tmp_path, "invoices.csv", lambda h, rows: set_cell(h, rows, 3, "total", "1,00"))
    with pytest.raises(Exception, match="total"):
        run_import(folder / "invoices.csv")
    invoice = Invoice.objects.get(number="ЭРО-1")
    before = versions()[invoice.contract.number]
    InvoiceLine.objects.filter(invoice=invoice).update(installation="Склад")
    assert versions()[invoice.contract.number] > before


def test_switched_off_triggers_still_refuse_a_line_without_its_invoice(sample):
    """The switch turns the version raising off, not the foreign keys."""
    run_import(sample)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [WRITER_RAISES])
        cursor.execute(
            "INSERT INTO settlements_invoiceline (invoice_id, position, installation, address, tariff, "
            "unit, quantity, price, amount, vat_amount, vat_rate, total, rate_kind, period_amount) "
            "VALUES (%s, 1, 'x', '', 'x', 'x', 1, 1, 1, 0.2, 20, 1.2, '', 0)",
            [Invoice.objects.order_by("-pk").first().pk + 1000],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Invoice.objects.filter(date__gte=dt.date(2000, 1, 1)).exists()
    assert InvoiceLine.objects.filter(amount=Decimal("1")).count() == 0


def orphan_line(cursor) -> None:
    cursor.execute(
        "INSERT INTO settlements_invoiceline (invoice_id, position, installation, address, tariff, "
        "unit, quantity, price, amount, vat_amount, vat_rate, total, rate_kind, period_amount) "
        "SELECT max(id) + 1000, 1, 'x', '', 'x', 'x', 1, 1, 1, 0.2, 20, 1.2, '', 0 FROM settlements_invoice"
    )


def test_after_an_import_the_foreign_keys_are_deferred_again(sample):
    """After an import, in the same transaction, the foreign keys are checked
    at the commit as declared, and a line without its invoice is refused."""
    run_import(sample)
    steps = []
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        orphan_line(cursor)
        steps.append("inserted")  # deferred: not refused yet
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert steps == ["inserted"]


def test_a_line_without_its_invoice_is_refused_at_once_while_immediate(sample):
    """What the test above tells apart: an immediate foreign key refuses at the insert."""
    run_import(sample)
    steps = []
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        orphan_line(cursor)
        steps.append("inserted")
    assert steps == []
