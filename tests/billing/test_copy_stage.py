"""On PostgreSQL a file is staged from its bytes and checked in SQL
(billing/copy_stage.py); the row-by-row reader (the embedded SQLite's way,
and the fallback for files COPY cannot read line for line) must give the
very same rows, counts and reasons. Each case runs both ways as a dry run
with --skip-bad and its report, and again without --skip-bad."""

import csv
from pathlib import Path

import pytest

from billing import copy_stage
from billing.loader import ImportFailed, billing_import
from billing.reader import Formats
from tests.billing.conftest import DATA, KIND_FILES, edited, export_variant, set_cell
from tests.billing.test_bad_rows import BAD_ROWS

pytestmark = pytest.mark.django_db


def cells(name: str, *changes: tuple[int, str, str]):
    def edit(header: list[str], rows: list[list[str]]) -> None:
        for line, column, value in changes:
            set_cell(header, rows, line, column, value)

    return name, edit


# Values only the set-based checks see differently from the row-by-row ones.
SQL_CASES = {
    "spaces between thousands": cells(
        "payments.csv", (2, "amount", "5\u00a0000,00"), (3, "amount", "- 1 0,5")
    ),
    "padded cells": cells(
        "invoices.csv",
        (2, "tariff", "  Тепловая энергия\t"),
        (3, "amount", " 1786,66 "),
        (4, "line_no", " 1"),
    ),
    "leading zeros": cells("payments.csv", (2, "amount", "0005000,00"), (3, "document_number", "007")),
    "a number too big": cells(
        "payments.csv", (2, "amount", "1000000000000"), (3, "amount", "0000000000001,5")
    ),
    "a number of another shape": cells(
        "payments.csv", (2, "amount", "1e5"), (3, "amount", ".5"), (4, "amount", "5."), (5, "amount", "+5")
    ),
    "not a number at all": cells("payments.csv", (2, "amount", "NaN"), (3, "amount", "Infinity")),
    "a zero payment": cells("payments.csv", (2, "amount", "-0,00")),
    "VAT rate written with %": cells("invoices.csv", (2, "vat_rate", "20 %"), (3, "vat_rate", "120")),
    "VAT rate beyond its digits": cells("invoices.csv", (2, "vat_rate", "1000"), (3, "vat_rate", "%")),
    "several problems in a row": cells(
        "invoices.csv", (2, "amount", "abc"), (2, "unit", ""), (2, "line_no", "x"), (3, "quantity", "1,23456")
    ),
    "several sums wrong": cells("invoices.csv", (3, "total", "1,00"), (3, "vat_amount", "1,00")),
    "a line number out of range": cells("invoices.csv", (2, "line_no", "0"), (3, "line_no", "99999999999")),
    "display digits": cells(
        "meters.csv", (2, "digits_before", "9"), (3, "digits_after", "-1"), (2, "active", "да")
    ),
    "padded flag and resource": cells("meters.csv", (2, "active", " 1 "), (3, "resource", " ГВС ")),
    "text too long": cells("invoices.csv", (2, "unit", "м" * 21), (3, "operation_type", "т" * 101)),
    "a reading below zero and beyond the display": cells(
        "readings.csv", (2, "value", "-0,5"), (3, "value", "99999999,0001"), (4, "value", "1,00001")
    ),
    "dates": cells(
        "payments.csv",
        (2, "payment_date", "29.02.2024"),
        (3, "payment_date", "29.02.2023"),
        (4, "payment_date", "0000-01-01"),
        (5, "payment_date", "2024-02-30"),
    ),
    "an invoice before any VAT rate": cells(
        "invoices.csv", (2, "invoice_date", "31.12.2018"), (3, "invoice_date", "31.12.2018")
    ),
    "contracts": cells(
        "contracts.csv",
        (2, "email", "не почта"),
        (3, "kpp", ""),
        (3, "service", ""),
        (4, "contract_number", " "),
    ),
    "an all-blank row": ("payments.csv", lambda header, rows: rows.insert(2, [" "] * len(header))),
    "a blank line": ("payments.csv", lambda header, rows: rows.insert(2, [])),
    "quoted values": cells(
        "contracts.csv",
        (2, "organization_name", 'ООО "Ромашка"'),
        (3, "legal_address", "г. Миасс; ул. Мира"),
        (3, "postal_address", '"а/я 41"'),
        (4, "postal_address", ""),
    ),
}
BY_ROWS = {name: (file, edit) for name, (file, edit, _, _) in BAD_ROWS.items()}
CASES = {**BY_ROWS, **SQL_CASES}
# Files COPY cannot read line for line: the row-by-row reader reads them.
GIVEN_BACK = {"a row short of fields", "a blank line"}


def outcome(folder: Path, tmp_path: Path, *, copy_bytes: bool, **options) -> dict:
    report = tmp_path / f"report-{copy_bytes}.csv"
    seen = {}
    try:
        result = billing_import(
            [folder], dry_run=True, skip_bad=True, report_path=report, copy_bytes=copy_bytes, **options
        )
        seen["counts"] = {kind: counts.as_dict() for kind, counts in result.counts.items()}
        if report.exists():
            with report.open(encoding="utf-8-sig", newline="") as stream:
                seen["report"] = list(csv.reader(stream, delimiter=";"))
    except ImportFailed as exc:
        seen["skip_bad_failure"] = [str(e) for e in exc.errors]
    try:
        billing_import([folder], dry_run=True, copy_bytes=copy_bytes, **options)
    except ImportFailed as exc:
        seen["failure"] = [str(e) for e in exc.errors]
    return seen


@pytest.fixture
def copied(monkeypatch) -> list[str]:
    """The files staged from their bytes, by name."""
    names = []
    stage_file = copy_stage.stage_file

    def spy(billing_file, *args, **kwargs):
        staged = stage_file(billing_file, *args, **kwargs)
        names.append(billing_file.name)
        return staged

    monkeypatch.setattr(copy_stage, "stage_file", spy)
    return names


@pytest.mark.parametrize(
    ("case", "file", "edit"), [(c, f, e) for c, (f, e) in CASES.items()], ids=CASES.keys()
)
def test_both_ways_of_staging_agree(case, file, edit, tmp_path, copied):
    folder = edited(tmp_path / "export", file, edit)
    by_bytes = outcome(folder, tmp_path, copy_bytes=True)
    assert (file in copied) == (case not in GIVEN_BACK)
    del copied[:]
    by_rows = outcome(folder, tmp_path, copy_bytes=False)
    assert not copied
    assert by_bytes == by_rows


@pytest.mark.parametrize(
    ("variant", "formats"),
    [
        ({"encoding": "cp1251", "delimiter": ",", "decimal": "."}, Formats()),
        ({"iso_dates": True, "shuffle": True}, Formats()),
        ({}, Formats(decimal=".")),
        ({}, Formats(date_format="%d.%m.%Y")),
    ],
    ids=["cp1251 with commas", "ISO dates, columns shuffled", "--decimal .", "--date-format"],
)
def test_both_ways_agree_on_every_style(variant, formats, tmp_path, copied):
    folder = export_variant(tmp_path / "export", **variant)
    by_bytes = outcome(folder, tmp_path, copy_bytes=True, formats=formats)
    assert sorted(set(copied)) == sorted(KIND_FILES)
    by_rows = outcome(folder, tmp_path, copy_bytes=False, formats=formats)
    assert by_bytes == by_rows


def test_a_file_with_a_line_break_in_a_value_goes_row_by_row(tmp_path, copied):
    folder = edited(
        tmp_path / "export",
        "payments.csv",
        lambda header, rows: set_cell(header, rows, 3, "operation_type", "Оплата\nпо счету"),
    )
    edited(folder, "payments.csv", lambda header, rows: set_cell(header, rows, 5, "amount", "много"))
    by_bytes = outcome(folder, tmp_path, copy_bytes=True)
    assert "payments.csv" not in copied and "invoices.csv" in copied
    # Line 5's record ends on the file's line 6: the reader's line numbers stand.
    assert by_bytes["failure"] == ["payments.csv:6, столбец «amount»: «много» не число"]
    assert by_bytes == outcome(folder, tmp_path, copy_bytes=False)


def test_a_quote_inside_an_unquoted_value_goes_row_by_row(tmp_path, copied):
    folder = edited(tmp_path / "export", "payments.csv", lambda header, rows: None)
    path = folder / "payments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ПП-102;", 'ПП-102 "срочно";', 1), encoding="utf-8")
    by_bytes = outcome(folder, tmp_path, copy_bytes=True)
    assert "payments.csv" not in copied and "invoices.csv" in copied
    assert by_bytes == outcome(folder, tmp_path, copy_bytes=False)
    assert by_bytes["counts"]["payments"]["created"] == 5


def test_the_sample_export_is_staged_from_its_bytes(copied):
    result = billing_import([DATA], dry_run=True)
    assert sorted(copied) == sorted(KIND_FILES)
    assert result.counts["invoices"].created == 6
