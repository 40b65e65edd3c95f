"""--skip-bad loads the rest and reports the bad rows; --dry-run checks
everything and writes nothing but its ImportRun."""

import csv

import pytest
from django.core.management.base import CommandError

from accounts.models import Contract
from billing.models import ImportRun
from settlements.models import Invoice, InvoiceLine, Payment
from tests.billing.conftest import edited, run_import, set_cell, summary, table_checksums

pytestmark = pytest.mark.django_db


def bad_export(folder):
    edited(folder, "contracts.csv", lambda h, rows: set_cell(h, rows, 4, "inn", "500100732250"))
    # ЭРО-2's second line is wrong: the whole invoice stays out.
    edited(folder, "invoices.csv", lambda h, rows: set_cell(h, rows, 5, "total", "1,00"))
    edited(folder, "payments.csv", lambda h, rows: set_cell(h, rows, 3, "payment_date", "2021-13-01"))
    return folder


def test_skip_bad_loads_the_rest_and_writes_the_report(tmp_path):
    folder = bad_export(tmp_path / "export")
    report = tmp_path / "report.csv"
    output = run_import(folder, "--skip-bad", "--report", report)
    counts = summary(output)
    assert counts["договоры"] == (2, 0, 0, 1)
    # ЭРО-20 of the contract left out (2 lines), ЭРО-2 (2 lines): 4 rows skipped.
    assert counts["начисления"] == (4, 0, 0, 4)
    assert counts["оплаты"] == (3, 0, 0, 2)
    assert "Пропущено строк с ошибками: 7, список в" in output
    assert set(Contract.objects.values_list("number", flat=True)) == {"12345-ЭС", "23456-ЭС"}
    assert not Invoice.objects.filter(number__in=["ЭРО-2", "ЭРО-20"]).exists()
    assert InvoiceLine.objects.count() == 8
    assert not Payment.objects.filter(document_number__in=["ПП-102", "ПП-301"]).exists()

    with report.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0] == ["файл", "строка", "столбец", "причина"]
    by_place = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert len(by_place) == 7
    assert "не сходится контрольное число" in by_place[("contracts.csv", "4", "inn")]
    assert "всего 1.00 не равно" in by_place[("invoices.csv", "5", "total")]
    assert by_place[("invoices.csv", "4", "invoice_number")] == (
        "счет не загружен: в другой его строке ошибка (см. строку 5)"
    )
    assert "договор не найден" in by_place[("invoices.csv", "12", "contract_number")]
    assert "не дата" in by_place[("payments.csv", "3", "payment_date")]
    assert "договор не найден" in by_place[("payments.csv", "6", "contract_number")]

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.SUCCEEDED
    assert run.counts["invoices"]["skipped"] == 4


def test_without_skip_bad_the_same_export_loads_nothing(tmp_path):
    with pytest.raises(CommandError, match="contracts"):
        run_import(bad_export(tmp_path))
    assert not Contract.objects.exists()


def test_the_report_needs_skip_bad(tmp_path, sample):
    with pytest.raises(CommandError, match="--report"):
        run_import(sample, "--report", tmp_path / "r.csv")


def test_dry_run_counts_and_writes_nothing_but_its_record(sample):
    checksums = table_checksums()
    output = run_import(sample, "--dry-run")
    assert summary(output)["начисления"] == (6, 0, 0, 0)
    assert "Проверка без записи" in output and "Ничего не записано" in output
    assert table_checksums() == checksums
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DRY_RUN
    assert run.counts["payments"]["created"] == 5


def test_dry_run_finds_the_bad_rows_too(tmp_path):
    folder = edited(tmp_path, "payments.csv", lambda h, rows: set_cell(h, rows, 2, "amount", "0"))
    with pytest.raises(
        CommandError, match=r"payments\.csv:2, столбец «amount»: сумма оплаты не может быть нулевой"
    ):
        run_import(folder, "--dry-run")
    assert ImportRun.objects.get().state == ImportRun.State.FAILED


def test_the_report_is_read_by_a_spreadsheet_as_text(tmp_path):
    """A file name that a spreadsheet would run as a formula stays text in the report."""
    folder = bad_export(tmp_path / "export")
    (folder / "payments.csv").rename(folder / "=payments.csv")
    report = tmp_path / "report.csv"
    run_import(folder, "--skip-bad", "--report", report)
    with report.open(encoding="utf-8-sig", newline="") as stream:
        files = {row[0] for row in list(csv.reader(stream, delimiter=";"))[1:]}
    assert files == {"contracts.csv", "invoices.csv", "'=payments.csv"}
