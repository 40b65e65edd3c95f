"""The import benchmark's export at a tiny size: it loads without a bad
row, as the full-size run needs, and its "1 % changed" variant updates what
it changed and nothing else."""

import pytest
from django.db import connection

from bench.billing import export_write, inn, tables_move
from settlements.models import Invoice, InvoiceLine, Payment
from tests.billing.conftest import run_import, summary
from tests.outbox.conftest import database_url

pytestmark = pytest.mark.django_db


def test_the_benchmark_export_loads_and_reloads_as_the_benchmark_expects(tmp_path):
    rows = export_write(tmp_path / "export", contracts=4, months=15)
    assert rows == {"contracts": 4, "meters": 8, "invoices": 120, "payments": 60, "readings": 24}
    counts = summary(run_import(tmp_path / "export"))
    assert counts["начисления"] == (60, 0, 0, 0)
    assert counts["оплаты"] == (60, 0, 0, 0)
    assert counts["показания"] == (24, 0, 0, 0)
    assert InvoiceLine.objects.count() == 120
    # The export crosses 01.01.2026: both VAT rates, as billing bills them.
    assert set(InvoiceLine.objects.values_list("vat_rate", flat=True)) == {20, 22}

    assert summary(run_import(tmp_path / "export"))["начисления"] == (0, 0, 60, 0)

    # Every 10th line and payment differs: lines 10, 20, … are each in an invoice of its own.
    export_write(tmp_path / "changed", contracts=4, months=15, changed_every=10)
    counts = summary(run_import(tmp_path / "changed"))
    assert counts["начисления"] == (0, 12, 48, 0)
    assert counts["оплаты"] == (0, 6, 54, 0)
    assert Invoice.objects.count() == 60 and Payment.objects.count() == 60


def test_benchmark_inns_hold_their_check_digit():
    from accounts.validators import inn_is_valid

    assert all(inn_is_valid(inn(index)) for index in (0, 1, 9_999, 19_999))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bound is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_tables_bound_moves_every_line_into_its_invoice_and_keeps_nothing(tmp_path):
    """The benchmark's bound (bench.billing.tables_move) moves the export's
    lines into copies of the cabinet's tables, one invoice per invoice number,
    and rolls back: the cabinet's tables are as before."""
    export_write(tmp_path / "export", contracts=3, months=4)
    run_import(tmp_path / "export" / "contracts.csv")
    tables = set(connection.introspection.table_names())
    moved = tables_move(database_url(), tmp_path / "export" / "invoices.csv")
    assert (moved.invoices, moved.lines) == (12, 24)
    assert set(connection.introspection.table_names()) == tables
    assert not Invoice.objects.exists()
