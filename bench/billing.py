"""The billing import at full scale: `python -m bench.billing` (`make bench-import`).

Generates billing's nightly export (docs/import-format.md) of 20 000
contracts with monthly two-line invoices (1 000 000 lines), 500 000 payments,
40 000 meters and their control readings; loads it into an empty database
with `manage.py import_billing` as ops would, then again unchanged, then with
1 % of the invoice lines and payments changed. Each kind is loaded by its own
run so that its rows per second can be told apart. In the same run the
invoice lines are copied by a plain `COPY` into an unindexed table: the
speed the import is measured against. Beside it, the bound of any import
into the cabinet's tables: the same lines, already typed and checked, moved
into copies of the invoice tables (`tables_move`). Prints rows per second,
the ratio to the plain COPY, each run's peak memory (RSS) and the database
size; each import prints its seconds per phase (`-v 2`: reading and staging,
set checks, writing, the commit).

The database named by DATABASE_URL is left alone: the benchmark creates,
migrates and (unless --keep) drops `<name>_bench_import` next to it.
"""

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from accounts.validators import INN_10_WEIGHTS
from bench.databases import database_drop, database_make
from enser_cabinet.dates import month_end, month_start
from enser_cabinet.money import vat_of
from settlements.vat import vat_rate_on

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("contracts", "meters", "invoices", "payments", "readings")
HEADERS = {
    "contracts": "contract_number signed_on inn kpp organization_name legal_address postal_address service"
    " email phone",
    "invoices": "contract_number invoice_number invoice_date operation_type line_no installation address"
    " tariff unit quantity price amount vat_rate vat_amount total",
    "payments": "contract_number document_number payment_date amount operation_type",
    "meters": "contract_number serial_number model resource address digits_before digits_after"
    " verification_due active",
    "readings": "contract_number serial_number reading_date value",
}
# Heat and hot water, each month: (tariff, unit, price, installation).
LINES = (
    ("Тепловая энергия", "Гкал", Decimal("1353.53"), "Нежилое помещение"),
    ("ГВС (теплоноситель)", "м³", Decimal("175.37"), "Нежилое помещение"),
)
# 25 months run to November 2026, across the VAT change.
FIRST_MONTH = dt.date(2024, 11, 1)
RUNS = (("первая загрузка", "export"), ("без изменений", "export"), ("1 % изменён", "changed"))


def contract_number(index: int) -> str:
    return f"{10000 + index:05d}-ЭС"


def inn(index: int) -> str:
    """A ten-digit INN whose check digit holds."""
    body = f"74{index:07d}"
    check = sum(int(d) * w for d, w in zip(body, INN_10_WEIGHTS, strict=False)) % 11 % 10
    return body + str(check)


def _write(path: Path, kind: str, rows: Iterator[list]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\n")
        writer.writerow(HEADERS[kind].split())
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _contracts(contracts: int) -> Iterator[list]:
    for index in range(contracts):
        yield [
            contract_number(index),
            "2019-01-15",
            inn(index),
            f"74{index % 100:02d}01001",
            f"ООО «Потребитель {index}»",
            f"454{index % 1000:03d}, г. Челябинск, ул. Кирова, д. {index % 200 + 1}",
            "",
            "Теплоснабжение и горячее водоснабжение",
            f"buh{index}@example.ru" if index % 3 else "",
            f"+7 351 {index % 1000:03d}-{index % 100:02d}-{index % 97:02d}" if index % 2 else "",
        ]


def _invoice_lines(contracts: int, months: int, *, changed_every: int = 0) -> Iterator[list]:
    line = 0
    for index in range(contracts):
        number = contract_number(index)
        for month in range(months):
            day = month_end(FIRST_MONTH, month)
            rate = vat_rate_on(day)
            for line_no, (tariff, unit, price, installation) in enumerate(LINES, start=1):
                line += 1
                quantity = Decimal(index % 50 + month % 7 + line_no) * Decimal("0.137")
                if changed_every and line % changed_every == 0:
                    quantity += Decimal("0.001")
                amount = (quantity * price).quantize(Decimal("0.01"))
                vat = vat_of(amount, rate)
                yield [
                    number,
                    f"ЭРО-{index}-{month}",
                    day.isoformat(),
                    "Окончательный счет",
                    line_no,
                    installation,
                    "г. Челябинск, ул. Кирова",
                    tariff,
                    unit,
                    quantity,
                    price,
                    amount,
                    rate,
                    vat,
                    amount + vat,
                ]


def _payments(contracts: int, months: int, *, changed_every: int = 0) -> Iterator[list]:
    row = 0
    for index in range(contracts):
        for month in range(months):
            row += 1
            amount = Decimal(1000 + (index * 7 + month * 13) % 9000) + Decimal("0.50")
            if changed_every and row % changed_every == 0:
                amount += Decimal("1.00")
            day = month_end(FIRST_MONTH, month) + dt.timedelta(days=10)
            yield [contract_number(index), f"ПП-{index}-{month}", day.isoformat(), amount, "Оплата"]


def _meters(contracts: int) -> Iterator[list]:
    for index in range(contracts):
        number, address = contract_number(index), "г. Челябинск, ул. Кирова"
        yield [number, f"ТС-{index:06d}", "ВКТ-7", "heat", address, 6, 3, "2030-12-31", 1]
        yield [number, f"ГВ-{index:06d}", "СВМ-15", "hot_water", address, 5, 2, "2029-06-30", 1]


def _readings(contracts: int, months: int) -> Iterator[list]:
    """Three control readings of each meter, in the export's last months."""
    for index in range(contracts):
        for serial in (f"ТС-{index:06d}", f"ГВ-{index:06d}"):
            for month in range(max(months - 3, 0), months):
                day = month_start(FIRST_MONTH, month) + dt.timedelta(days=24)
                value = Decimal(1000 + index % 5000 + month * 3) + Decimal("0.25")
                yield [contract_number(index), serial, day.isoformat(), value]


def export_write(folder: Path, *, contracts: int, months: int, changed_every: int = 0) -> dict[str, int]:
    """Writes the five files into `folder`; rows per kind. `changed_every`:
    every n-th invoice line and payment differs from the unchanged export."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "contracts": _write(folder / "contracts.csv", "contracts", _contracts(contracts)),
        "meters": _write(folder / "meters.csv", "meters", _meters(contracts)),
        "invoices": _write(
            folder / "invoices.csv",
            "invoices",
            _invoice_lines(contracts, months, changed_every=changed_every),
        ),
        "payments": _write(
            folder / "payments.csv", "payments", _payments(contracts, months, changed_every=changed_every)
        ),
        "readings": _write(folder / "readings.csv", "readings", _readings(contracts, months)),
    }


@dataclass
class Timed:
    seconds: float
    max_rss_mib: float


def _run(command: list[str], env: dict[str, str]) -> Timed:
    """Runs a command, its wall time and peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} завершилась с кодом {process.returncode}")
    return Timed(seconds, usage.ru_maxrss / 1024)


# The invoice lines file's columns, typed: the plain COPY's table.
LINES_TYPED = (
    "(contract_number text, invoice_number text, invoice_date date, operation_type text, line_no integer,"
    " installation text, address text, tariff text, unit text, quantity numeric(14, 3), price numeric(14, 2),"
    " amount numeric(14, 2), vat_rate numeric(5, 2), vat_amount numeric(14, 2), total numeric(14, 2))"
)


def _copy_file(connection: psycopg.Connection, table: str, path: Path) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')") as copy,
        path.open("rb") as file,
    ):
        while chunk := file.read(1 << 20):
            copy.write(chunk)


def plain_copy(url: str, path: Path) -> float:
    """Seconds to COPY the invoice lines file into an unindexed table."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_plain_lines")
        connection.execute(f"CREATE TABLE bench_plain_lines {LINES_TYPED}")
        started = time.perf_counter()
        _copy_file(connection, "bench_plain_lines", path)
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_plain_lines")
    return seconds


@dataclass
class Moved:
    seconds: float
    invoices: int
    lines: int


def tables_move(url: str, path: Path) -> Moved:
    """The least any import of the invoice lines file into the cabinet's
    tables must spend beyond reading the file: the lines, already typed and
    checked (copied untimed into a table of their own), moved into empty
    copies of the invoice and invoice line tables, with their keys and
    indexes but without foreign keys or triggers, the contract and invoice
    ids looked up. Nothing is kept: the transaction is rolled back."""
    from accounts.models import Contract
    from settlements.models import Invoice, InvoiceLine

    contracts, invoices, lines = Contract._meta.db_table, Invoice._meta.db_table, InvoiceLine._meta.db_table
    with psycopg.connect(url) as connection:
        connection.execute(f"CREATE TEMP TABLE bench_typed_lines {LINES_TYPED}")
        _copy_file(connection, "bench_typed_lines", path)
        connection.execute("ANALYZE bench_typed_lines")
        # Tables like the cabinet's own, not temporary ones, which live in the
        # session's small buffers; gone with the rollback.
        connection.execute(f"CREATE TABLE bench_invoice (LIKE {invoices} INCLUDING ALL)")
        connection.execute(f"CREATE TABLE bench_line (LIKE {lines} INCLUDING ALL)")
        started = time.perf_counter()
        moved_invoices = connection.execute(
            "INSERT INTO bench_invoice (date, number, operation_type, amount, vat_amount, contract_id) "  # noqa: S608 - the models' tables
            "SELECT t.invoice_date, t.invoice_number, min(t.operation_type), sum(t.amount), "
            "sum(t.vat_amount), c.id "
            f"FROM bench_typed_lines t JOIN {contracts} c ON c.number = t.contract_number "
            "GROUP BY c.id, t.invoice_number, t.invoice_date"
        ).rowcount
        moved_lines = connection.execute(
            "INSERT INTO bench_line (position, installation, address, tariff, unit, quantity, price, amount, "  # noqa: S608
            "vat_amount, vat_rate, total, rate_kind, period_amount, invoice_id) "
            "SELECT t.line_no, t.installation, t.address, t.tariff, t.unit, t.quantity, t.price, t.amount, "
            "t.vat_amount, t.vat_rate, t.total, '', 0, i.id "
            f"FROM bench_typed_lines t JOIN {contracts} c ON c.number = t.contract_number "
            "JOIN bench_invoice i ON i.contract_id = c.id AND i.number = t.invoice_number"
        ).rowcount
        seconds = time.perf_counter() - started
        connection.rollback()
    return Moved(seconds, moved_invoices, moved_lines)


def database_size(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.billing", description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=25, help="monthly invoices and payments per contract")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's database")
    options = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/enser")
    name = urlsplit(base).path.lstrip("/") + "_bench_import"
    url = database_make(base, name)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "enser_cabinet.settings"}
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)

    with tempfile.TemporaryDirectory(prefix="bench-import-") as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        rows = export_write(work / "export", contracts=options.contracts, months=options.months)
        export_write(work / "changed", contracts=options.contracts, months=options.months, changed_every=100)
        print(f"Выгрузка: {sum(rows.values()):,} строк за {time.perf_counter() - started:.0f} с: {rows}")
        size = sum(file.stat().st_size for file in (work / "export").iterdir())
        print(f"Размер файлов: {size / 2**20:.0f} МиБ")

        results: dict[str, dict[str, Timed]] = {}
        for run, folder in RUNS:
            results[run] = {}
            for kind in KINDS:
                path = work / folder / f"{kind}.csv"
                results[run][kind] = _run(
                    [python, "manage.py", "import_billing", "--quiet", "-v", "2", str(path)], env
                )
        copy_seconds = plain_copy(url, work / "export" / "invoices.csv")
        moved = tables_move(url, work / "export" / "invoices.csv")
        size_after = database_size(url)

    copy_speed = rows["invoices"] / copy_seconds
    print(f"\nПростой COPY строк счетов без индексов: {copy_seconds:.1f} с, {copy_speed:,.0f} строк/с")
    print(
        f"Перенос тех же строк, уже разобранных и проверенных, в пустые копии таблиц счетов и их строк"
        f" (ключи и индексы, без внешних ключей и триггеров): {moved.seconds:.1f} с"
        f" ({moved.invoices:,} счетов, {moved.lines:,} строк)"
    )
    bound = copy_seconds / (copy_seconds + moved.seconds)
    print(
        f"Предел любой загрузки строк счетов в таблицы кабинета (COPY и перенос): {bound:.2f} скорости COPY"
    )
    print(f"{'прогон':18} {'вид':10} {'строк':>10} {'с':>8} {'строк/с':>10} {'к COPY':>7} {'RSS, МиБ':>9}")
    for run, kinds in results.items():
        for kind, timed in kinds.items():
            speed = rows[kind] / timed.seconds
            ratio = f"{speed / copy_speed:.2f}" if kind == "invoices" else ""
            print(
                f"{run:18} {kind:10} {rows[kind]:>10,} {timed.seconds:>8.1f} {speed:>10,.0f} {ratio:>7}"
                f" {timed.max_rss_mib:>9.0f}"
            )
        seconds, count = sum(timed.seconds for timed in kinds.values()), sum(rows.values())
        print(f"{run:18} {'всего':10} {count:>10,} {seconds:>8.1f} {count / seconds:>10,.0f}")
    print(f"\nРазмер базы после загрузок: {size_after / 2**20:.0f} МиБ")
    if not options.keep:
        database_drop(base, name)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")
    django.setup()
    main()
