"""The billing import's sample export, its format variants made on the fly,
and ways to see whether the database changed at all."""

import csv
import datetime as dt
import io
import random
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.tables import table_digests

DATA = Path(__file__).resolve().parent.parent / "data" / "billing"
KIND_FILES = ["contracts.csv", "meters.csv", "invoices.csv", "payments.csv", "readings.csv"]
# Every table the import writes or must leave alone.
TABLES = [
    "accounts_organization",
    "accounts_contract",
    "accounts_user",
    "accounts_contactperson",
    "settlements_invoice",
    "settlements_invoiceline",
    "settlements_payment",
    "meters_meter",
    "meters_reading",
]
DMY = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def sample_rows(name: str, folder: Path = DATA) -> tuple[list[str], list[list[str]]]:
    with (folder / name).open(encoding="utf-8", newline="") as stream:
        header, *rows = csv.reader(stream, delimiter=";")
    return header, rows


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def export_variant(
    folder: Path,
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
    decimal: str = ",",
    iso_dates: bool = False,
    shuffle: bool = False,
    names: list[str] | None = None,
) -> Path:
    """The sample export written again in another of billing's styles."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(12)
    for name in names or KIND_FILES:
        header, rows = sample_rows(name)

        def restyle(cell: str) -> str:
            if iso_dates and (m := DMY.match(cell)):
                return f"{m[3]}-{m[2]}-{m[1]}"
            if decimal == "." and DECIMAL_COMMA.match(cell):
                return cell.replace(",", ".")
            return cell

        rows = [[restyle(cell) for cell in row] for row in rows]
        order = list(range(len(header)))
        if shuffle:
            rng.shuffle(order)
        write_csv(
            folder / name,
            [header[i] for i in order],
            [[row[i] for i in order] for row in rows],
            encoding=encoding,
            delimiter=delimiter,
        )
    return folder


def edited(folder: Path, name: str, edit: Callable[[list[str], list[list[str]]], None]) -> Path:
    """The sample files in `folder` (copied there the first time) with one
    file changed by `edit(header, rows)`."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind_file in KIND_FILES:
        if not (folder / kind_file).exists():
            shutil.copy(DATA / kind_file, folder / kind_file)
    header, rows = sample_rows(name, folder)
    edit(header, rows)
    write_csv(folder / name, header, rows)
    return folder


def set_cell(header: list[str], rows: list[list[str]], line: int, column: str, value: str) -> None:
    """`line` as the file counts it: the header is line 1."""
    rows[line - 2][header.index(column)] = value


def ero2_second_line_changed(header: list[str], rows: list[list[str]]) -> None:
    """The sample's invoice ЭРО-2 of 12345-ЭС (file line 5): 1,00 Гкал
    instead of 0,98, its sums to match."""
    for column, value in [
        ("quantity", "1,00"),
        ("amount", "1353,53"),
        ("vat_amount", "270,71"),
        ("total", "1624,24"),
    ]:
        set_cell(header, rows, 5, column, value)


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import_billing", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def summary(output: str) -> dict[str, tuple[int, ...]]:
    """The command's table: title -> (created, updated, unchanged, skipped)."""
    rows = {}
    for line in output.splitlines():
        parts = line.rsplit(maxsplit=4)
        if len(parts) == 5 and all(p.isdigit() for p in parts[1:]):
            rows[parts[0]] = tuple(int(p) for p in parts[1:])
    return rows


def table_checksums() -> dict[str, str]:
    """Each table's rows as text, hashed: equal only if every value is."""
    return table_digests(TABLES)


def row_versions() -> dict[str, list[tuple]]:
    """Where each row's current version lives and which (sub)transaction wrote
    it: any write, even of equal values, changes both."""
    versions = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT id, ctid::text, xmin::text FROM {table} ORDER BY id")  # noqa: S608
            versions[table] = cursor.fetchall()
    return versions


def writes_in_transaction() -> dict[str, int]:
    """Rows inserted, updated or deleted in each table by this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE relname = ANY(%s)",
            [TABLES],
        )
        return dict(cursor.fetchall())


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


@pytest.fixture
def sample() -> Path:
    return DATA
