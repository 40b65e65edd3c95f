"""Loading billing's export into the cabinet: all or nothing, idempotent.

Each kind of record goes, file by file, into a temporary staging table (by
COPY on PostgreSQL, in batches on the embedded SQLite), is checked there as
a set (unknown contracts, repeated keys, invoice lines that disagree on the
invoice's header), and then lands in its table with one
`INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE changed`: a row that has
not changed is not written at all, so the same files twice write nothing.
The same SQL runs on both databases; only the staging, the lock and the
counting of new rows differ.

What the customer owns is never in a column list here: registration state,
users, passwords, the contacts they entered, readings sent from the cabinet.
"""

import csv
import datetime as dt
import hashlib
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Contract, Organization
from billing import copy_stage
from billing.models import ImportRun
from billing.reader import KINDS, BillingFile, FormatError, Formats, Kind, Row
from billing.signals import rows_imported
from enser_cabinet.data_version import WRITER_RAISES
from enser_cabinet.spreadsheets import csv_text
from meters.models import Meter, Reading
from paydocs.matching import payment_invoices_settle
from settlements.models import Invoice, InvoiceLine, Payment

LOCK_KEY = zlib.crc32(b"enser.billing_import")
BATCH = 2000
PROGRESS_EVERY = 10_000
MAX_ERRORS_SHOWN = 200
# An import reports as news (billing/signals.py) only invoices and payments
# dated within this many days: a first load of history is not news.
NEWS_DAYS = 62
BUSY = "Идёт другая загрузка данных биллинга; повторите позже."

# Staged rows are looked up by these keys (an invoice's lines). SQLite joins
# by nested loops: indexed after the staging there, so the checks and the line
# comparison stay linear in the rows. PostgreSQL hashes them (the staging
# table analyzed), and building the index would cost more than it saves.
STAGE_KEYS = {"invoices": ("contract_number", "invoice_number")}
# Staging column types, by the reader's column names.
STAGE_TYPES = {
    "signed_on": "date",
    "invoice_date": "date",
    "payment_date": "date",
    "reading_date": "date",
    "verification_due": "date",
    "line_no": "integer",
    "digits_before": "integer",
    "digits_after": "integer",
    "active": "boolean",
    "quantity": "numeric(14, 4)",
    "price": "numeric(14, 2)",
    "amount": "numeric(14, 2)",
    "vat_amount": "numeric(14, 2)",
    "total": "numeric(14, 2)",
    "vat_rate": "numeric(5, 2)",
    "value": "numeric(12, 4)",
}
SUMMARY_ORDER = ("organizations", "contracts", "meters", "invoices", "payments", "readings")
SUMMARY_TITLES = {
    "organizations": "организации",
    "contracts": "договоры",
    "meters": "приборы учета",
    "invoices": "начисления",
    "payments": "оплаты",
    "readings": "показания",
}


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        if not self.file:
            return self.reason
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.column:
            where += f", столбец «{self.column}»"
        return f"{where}: {self.reason}"


class ImportFailed(Exception):
    """The run loaded nothing; `errors` say where and why."""

    def __init__(
        self, errors: Sequence[BadRow], *, total: int | None = None, run: ImportRun | None = None
    ) -> None:
        self.errors = list(errors)
        self.total = total if total is not None else len(self.errors)
        self.run = run
        super().__init__("\n".join(str(e) for e in self.errors[:5]))


class ImportBusy(ImportFailed):
    def __init__(self, run: ImportRun | None = None) -> None:
        super().__init__([BadRow("", None, None, BUSY)], run=run)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


@dataclass
class ImportResult:
    run: ImportRun
    counts: dict[str, Counts] = field(default_factory=dict)
    skipped_rows: int = 0
    dry_run: bool = False
    # Seconds per kind and phase (stage, check, write), and the commit's.
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    commit_seconds: float = 0.0
    invoices_paid: int = 0  # «Счёт на оплату» marked paid by the payments loaded
    # Rows new in this run and recent enough to be news (NEWS_DAYS).
    new_invoice_ids: list[int] = field(default_factory=list)
    new_payment_ids: list[int] = field(default_factory=list)


Progress = Callable[[str, str, int], None]


class _Rollback(Exception):
    pass


def file_describe(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return {"name": path.name, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def sources_expand(sources: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders as their files (sorted, hidden ones left out)."""
    paths: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            paths.extend(p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            paths.append(path)
        else:
            raise ImportFailed([BadRow(str(source), None, None, "нет такого файла или папки")])
    if not paths:
        raise ImportFailed(
            [BadRow(", ".join(str(s) for s in sources), None, None, "нет файлов для загрузки")]
        )
    return paths


def billing_import(
    sources: Iterable[str | Path],
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    wait: bool = True,
    report_path: str | Path | None = None,
    progress: Progress | None = None,
    started_by: Any = None,
    command: str = "",
    formats: Formats | None = None,
    run: ImportRun | None = None,
    copy_bytes: bool = True,
) -> ImportResult:
    """Loads the files in one transaction; returns the counts per kind.

    Raises ImportFailed (nothing kept) on any bad row unless `skip_bad`,
    and ImportBusy when another import holds the lock and `wait` is off.
    Every call leaves an ImportRun saying what happened. On PostgreSQL
    the files are staged from their bytes (billing/copy_stage.py) unless
    `copy_bytes` is off; then, as on SQLite, row by row.
    """
    formats = formats or Formats()
    options = {"dry_run": dry_run, "skip_bad": skip_bad, "wait": wait}
    options.update({k: v for k, v in vars(formats).items() if v})
    if run is None:
        run = ImportRun(started_by=started_by, command=command[:1000], options=options)
    run.state, run.started_at, run.finished_at, run.errors = ImportRun.State.RUNNING, timezone.now(), None, ""
    run.save()
    try:
        paths = sources_expand(sources)
        run.files = [file_describe(p) for p in paths]
        run.save(update_fields=["files"])
        files = [BillingFile(p, formats) for p in paths]
        result = ImportResult(run=run, dry_run=dry_run)
        try:
            with transaction.atomic():
                _lock(wait=wait)
                loader = _Loader(
                    files,
                    skip_bad=skip_bad,
                    report_path=report_path,
                    progress=progress,
                    copy_bytes=copy_bytes,
                )
                result.counts = loader.load()
                result.skipped_rows = loader.skipped_rows
                result.invoices_paid = loader.invoices_paid
                result.phases = loader.phases
                result.new_invoice_ids, result.new_payment_ids = (
                    loader.new_invoice_ids,
                    loader.new_payment_ids,
                )
                loaded = time.perf_counter()
                if dry_run:
                    raise _Rollback
            result.commit_seconds = time.perf_counter() - loaded
        except _Rollback:
            pass
    except FormatError as exc:
        _record_failure(run, ImportFailed([BadRow(exc.file, exc.line, None, exc.reason)]))
        raise ImportFailed([BadRow(exc.file, exc.line, None, exc.reason)], run=run) from None
    except ImportFailed as exc:
        exc.run = run
        _record_failure(run, exc)
        raise
    except DatabaseError as exc:
        failure = ImportFailed(
            [BadRow("", None, None, f"база данных отказала в записи: {exc}".strip())], run=run
        )
        _record_failure(run, failure)
        raise failure from exc
    run.counts = {kind: counts.as_dict() for kind, counts in result.counts.items()}
    run.state = ImportRun.State.DRY_RUN if dry_run else ImportRun.State.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "state", "finished_at"])
    if not dry_run and (result.new_invoice_ids or result.new_payment_ids):
        # After the commit (at once outside a transaction): the apps above
        # tell people of new invoices and payments; the import never waits
        # on them, and a rolled-back outer transaction tells nothing.
        transaction.on_commit(
            lambda: rows_imported.send(
                sender=ImportRun,
                run=run,
                invoice_ids=result.new_invoice_ids,
                payment_ids=result.new_payment_ids,
            ),
            robust=True,
        )
    return result


def _record_failure(run: ImportRun, failure: ImportFailed) -> None:
    # After the rollback, in a transaction of its own: the run's record stays.
    lines = [str(e) for e in failure.errors[:MAX_ERRORS_SHOWN]]
    if failure.total > len(lines):
        lines.append(f"… и еще ошибок: {failure.total - len(lines)}")
    run.state = ImportRun.State.FAILED
    run.errors = "\n".join(lines)
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "errors", "finished_at", "files"])


def _lock(*, wait: bool) -> None:
    if connection.vendor != "postgresql":
        return  # the embedded SQLite takes one writer at a time anyway
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        else:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise ImportBusy


def _table(model: Any) -> str:
    return model._meta.db_table


ORG, CONTRACT, INVOICE, LINE, PAYMENT, METER, READING = (
    _table(m) for m in (Organization, Contract, Invoice, InvoiceLine, Payment, Meter, Reading)
)
# The tables each kind writes. After a large write their statistics are
# taken at once: the next kind's joins must not be planned for the tables
# as they were (empty, on a first load) before autovacuum gets to them.
WRITES = {
    "contracts": (ORG, CONTRACT),
    "meters": (METER,),
    "invoices": (INVOICE, LINE),
    "payments": (PAYMENT,),
    "readings": (READING,),
}
ANALYZE_AFTER = 1000


class _Loader:
    def __init__(
        self,
        files: list[BillingFile],
        *,
        skip_bad: bool,
        report_path: str | Path | None,
        progress: Progress | None,
        copy_bytes: bool = True,
    ) -> None:
        self.files = files
        self.skip_bad = skip_bad
        self.progress = progress
        self.report_path = Path(report_path) if report_path else None
        self.report = None
        self.pg = connection.vendor == "postgresql"
        self.skipped_rows = 0
        self.invoices_paid = 0
        self.temp_tables: list[str] = []
        self.copy_bytes = copy_bytes
        self.phases: dict[str, dict[str, float]] = {}  # kind: phase: seconds
        self.new_invoice_ids: list[int] = []
        self.new_payment_ids: list[int] = []

    # -- SQL helpers -------------------------------------------------------

    def sql(self, statement: str, params: Sequence[Any] = ()) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None

    def differs(self, left: str, right: str, columns: Iterable[str]) -> str:
        """SQL true when any of `columns` differs between two row aliases, NULLs compared as values."""
        op = "IS DISTINCT FROM" if self.pg else "IS NOT"
        return "(" + " OR ".join(f"{left}.{a} {op} {right}.{b}" for a, b in _pairs(columns)) + ")"

    def new_ids(self, table: str, new: str, order: str) -> str:
        """SQL for the id of a row about to be inserted into `table` where
        `new` holds, ids rising in the query's `order`: taken from the id's
        sequence on PostgreSQL (evaluated after the query's ORDER BY), on the
        single-writer SQLite counted on from the highest id the table's
        AUTOINCREMENT has given."""
        if self.pg:
            (sequence,) = self.sql("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
            return f"CASE WHEN {new} THEN nextval({copy_stage.literal(sequence)}::regclass) END"
        given = (
            f"max((SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = '{table}'), "
            f"(SELECT coalesce(max(id), 0) FROM {table}))"
        )
        return (
            f"CASE WHEN {new} THEN {given} + sum(CASE WHEN {new} THEN 1 ELSE 0 END) "
            f"OVER (ORDER BY {order} ROWS UNBOUNDED PRECEDING) END"
        )

    def analyze(self, *tables: str) -> None:
        """Statistics of temporary tables just filled: autovacuum never sees
        them, and a planner that takes half a million rows for a few dozen
        joins them by nested loops."""
        if self.pg:
            self.sql(f"ANALYZE {', '.join(tables)}")

    def temp_table(self, name: str, definition: str) -> None:
        # Dropped at the end of a load, and by the rollback of a failed one;
        # ON COMMIT DROP covers a load that dies with its connection.
        self.sql(f"DROP TABLE IF EXISTS {name}")
        self.sql(f"CREATE TEMP TABLE {name} {definition}" + (" ON COMMIT DROP" if self.pg else ""))
        self.temp_tables.append(name)

    def upsert(
        self, statement: str, table: str, *, record: str | None = None, params: Sequence[Any] = ()
    ) -> tuple[int, int]:
        """Runs an INSERT … ON CONFLICT … DO UPDATE … WHERE changed; returns (created, updated).

        With `record`, the written rows' ids and whether each is new go
        into that temporary table (id, created).
        """
        if self.pg:
            tally = "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM"
            written = f"WITH up AS ({statement} RETURNING id, (xmax = 0) AS created)"
            if record:
                self.sql(f"{written} INSERT INTO {record} (id, created) SELECT id, created FROM up", params)
                return self.sql(f"{tally} {record}")[0]
            return self.sql(f"{written} {tally} up", params)[0]
        # SQLite has no xmax: a new row has an id above every id before the insert.
        (before,) = self.sql(f"SELECT coalesce(max(id), 0) FROM {table}")[0]
        rows = self.sql(f"{statement} RETURNING id", params)
        written = [(row_id, row_id > before) for (row_id,) in rows]
        if record:
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {record} (id, created) VALUES (%s, %s)", written)
        created = sum(1 for _, new in written if new)
        return created, len(written) - created

    # -- the run -------------------------------------------------------------

    def load(self) -> dict[str, Counts]:
        counts: dict[str, Counts] = {}
        if self.pg:
            # Sorts and hashes of a million staged rows in memory, not spilled
            # to disk by the kilobyte; for this transaction only.
            self.sql("SET LOCAL work_mem = '64MB'")
            self.sql("SET LOCAL maintenance_work_mem = '256MB'")
            # The staging tables in memory too: temporary tables live in the
            # session's own buffers (8 MB by default), which can only be
            # sized before its first temporary table; a session that has had
            # one keeps the size it has.
            try:
                with transaction.atomic():
                    self.sql("SET LOCAL temp_buffers = '256MB'")
            except DatabaseError:
                pass
        try:
            for kind in KINDS:
                files = [(n, f) for n, f in enumerate(self.files) if f.kind is kind]
                if files:
                    started = time.perf_counter()
                    self.stage(kind, files)
                    staged = time.perf_counter()
                    skipped = self.check(kind)
                    checked = time.perf_counter()
                    getattr(self, f"load_{kind.name}")(counts)
                    counts[kind.name].skipped = skipped
                    if self.pg and counts[kind.name].created + counts[kind.name].updated >= ANALYZE_AFTER:
                        self.sql(f"ANALYZE {', '.join(WRITES[kind.name])}")
                    self.phases[kind.name] = {
                        "stage": staged - started,
                        "check": checked - staged,
                        "write": time.perf_counter() - checked,
                    }
        finally:
            if self.report:
                self.report.close()
        for name in self.temp_tables:
            self.sql(f"DROP TABLE IF EXISTS {name}")
        return {kind: counts[kind] for kind in SUMMARY_ORDER if kind in counts}

    def stage(self, kind: Kind, files: list[tuple[int, BillingFile]]) -> None:
        table = f"billing_stage_{kind.name}"
        names = [c.name for c in kind.columns]
        columns = ", ".join(f"{name} {STAGE_TYPES.get(name, 'text')}" for name in names)
        self.temp_table(
            table,
            f"(file_no integer NOT NULL, line integer NOT NULL, err_column text, err_reason text, "
            f"ref_file_no integer, ref_line integer, {columns})",
        )
        header = ["file_no", "line", "err_column", "err_reason", *names]
        for file_no, billing_file in files:
            if self.pg and self.copy_bytes and self.stage_copied(table, file_no, billing_file):
                continue
            rows = (self.stage_row(file_no, row, names) for row in self.counted(billing_file))
            if self.pg:
                with (
                    connection.cursor() as cursor,
                    cursor.copy(f"COPY {table} ({', '.join(header)}) FROM STDIN") as copy,
                ):
                    for values in rows:
                        copy.write_row(values)
            else:
                placeholders = ", ".join(["%s"] * len(header))
                statement = f"INSERT INTO {table} ({', '.join(header)}) VALUES ({placeholders})"
                batch: list[tuple] = []
                with connection.cursor() as cursor:
                    for values in rows:
                        batch.append(values)
                        if len(batch) >= BATCH:
                            cursor.executemany(statement, batch)
                            batch.clear()
                    if batch:
                        cursor.executemany(statement, batch)
        if kind.name in STAGE_KEYS and not self.pg:
            self.sql(f"CREATE INDEX {table}_keys ON {table} ({', '.join(STAGE_KEYS[kind.name])})")
        if self.pg:
            self.sql(f"ANALYZE {table}")

    def stage_copied(self, table: str, file_no: int, billing_file: BillingFile) -> bool:
        """Stages the file from its bytes, typed and checked in SQL
        (billing/copy_stage.py); False, having staged nothing, when the
        row-by-row reader must read it."""
        progress = None
        if self.progress:
            kind, name = billing_file.kind.name, billing_file.name

            def progress(lines: int) -> None:
                self.progress(kind, name, lines)

        try:
            with transaction.atomic():
                staged = copy_stage.stage_file(billing_file, file_no, table, STAGE_TYPES, progress)
        except copy_stage.GIVEN_BACK:
            return False
        if self.progress:
            self.progress(billing_file.kind.name, billing_file.name, staged)
        return True

    def counted(self, billing_file: BillingFile) -> Iterable[Row]:
        done = 0
        for row in billing_file.rows():
            yield row
            done += 1
            if self.progress and done % PROGRESS_EVERY == 0:
                self.progress(billing_file.kind.name, billing_file.name, done)
        if self.progress:
            self.progress(billing_file.kind.name, billing_file.name, done)

    @staticmethod
    def stage_row(file_no: int, row: Row, names: list[str]) -> tuple:
        column, reason = row.errors[0] if row.errors else (None, None)
        if len(row.errors) > 1:
            reason = "; ".join(r if c is None or c == column else f"«{c}»: {r}" for c, r in row.errors)
        return (file_no, row.line, column, reason, *(row.values.get(name) for name in names))

    # -- checks as sets ------------------------------------------------------

    def mark(
        self, table: str, column: str | None, reason: str, where: str, params: Sequence[Any] = ()
    ) -> None:
        """Marks the good rows matching `where` (on alias s) as bad: one join,
        so `where` must not scan the staging table per row."""
        self.sql(
            f"UPDATE {table} SET err_column = %s, err_reason = %s FROM ("
            f"  SELECT s.file_no, s.line FROM {table} s WHERE s.err_reason IS NULL AND ({where})"
            f") b WHERE {table}.file_no = b.file_no AND {table}.line = b.line",
            [column, reason, *params],
        )

    def mark_unknown_contract(self, table: str) -> None:
        self.mark(
            table,
            "contract_number",
            "договор не найден: его нет ни в кабинете, ни в файле договоров",
            f"NOT EXISTS (SELECT 1 FROM {CONTRACT} c WHERE c.number = s.contract_number)",
        )

    def mark_repeated(self, table: str, keys: Sequence[str], column: str, reason: str) -> None:
        """Rows whose key an earlier good row of the run already has."""
        key = ", ".join(keys)
        if not self.any_group(table, key, "count(*) > 1"):
            return
        self.sql(
            f"UPDATE {table} SET err_column = %s, err_reason = %s, ref_file_no = d.first_file, "
            f"ref_line = d.first_line FROM ("
            f"  SELECT file_no, line, first_value(file_no) OVER w AS first_file, "
            f"  first_value(line) OVER w AS first_line, row_number() OVER w AS n "
            f"  FROM {table} WHERE err_reason IS NULL "
            f"  WINDOW w AS (PARTITION BY {key} ORDER BY file_no, line)"
            f") d WHERE d.n > 1 AND {table}.file_no = d.file_no AND {table}.line = d.line",
            [column, reason],
        )

    def any_group(self, table: str, key: str, having: str) -> bool:
        """Whether any group of the good rows by `key` has `having` true: one
        hash aggregate, where marking the rows takes a sort and a join. A file
        without repeated keys or disagreeing rows, the usual one, is marked
        no further."""
        return bool(
            self.sql(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE err_reason IS NULL "
                f"GROUP BY {key} HAVING {having})"
            )[0][0]
        )

    def mark_disagreeing(self, table: str, keys: Sequence[str], column: str, reason: str) -> None:
        """Rows of a group (same keys) whose `column` differs from the group's first row."""
        key = ", ".join(keys)
        # A group disagrees when its values are not all equal, or some are NULL and some not.
        if not self.any_group(
            table, key, f"min({column}) <> max({column}) OR count({column}) NOT IN (0, count(*))"
        ):
            return
        op = "IS DISTINCT FROM" if self.pg else "IS NOT"
        self.sql(
            f"UPDATE {table} SET err_column = %s, err_reason = %s, ref_file_no = d.first_file, "
            f"ref_line = d.first_line FROM ("
            f"  SELECT file_no, line, {column} AS own, first_value({column}) OVER w AS first, "
            f"  first_value(file_no) OVER w AS first_file, first_value(line) OVER w AS first_line "
            f"  FROM {table} WHERE err_reason IS NULL "
            f"  WINDOW w AS (PARTITION BY {key} ORDER BY file_no, line)"
            f") d WHERE d.own {op} d.first AND {table}.file_no = d.file_no AND {table}.line = d.line",
            [column, reason],
        )

    def check(self, kind: Kind) -> int:
        """Runs the kind's set checks; then either fails the run or reports and
        leaves out the bad rows. Returns how many were left out."""
        table = f"billing_stage_{kind.name}"
        getattr(self, f"check_{kind.name}")(table)
        (bad,) = self.sql(f"SELECT count(*) FROM {table} WHERE err_reason IS NOT NULL")[0]
        if not bad:
            return 0
        order = f"SELECT file_no, line, err_column, err_reason, ref_file_no, ref_line FROM {table} "
        order += "WHERE err_reason IS NOT NULL ORDER BY file_no, line"
        if not self.skip_bad:
            rows = self.sql(f"{order} LIMIT {MAX_ERRORS_SHOWN}")
            raise ImportFailed([self.bad_row(*row) for row in rows], total=bad)
        self.skipped_rows += bad
        writer = self.report_writer()
        with connection.cursor() as cursor:
            cursor.execute(order)
            while chunk := cursor.fetchmany(BATCH):
                for row in chunk:
                    bad_row = self.bad_row(*row)
                    if writer:
                        writer.writerow(
                            [
                                csv_text(bad_row.file),
                                bad_row.line,
                                bad_row.column or "",
                                csv_text(bad_row.reason),
                            ]
                        )
        return bad

    def bad_row(
        self,
        file_no: int,
        line: int,
        column: str | None,
        reason: str,
        ref_file: int | None,
        ref_line: int | None,
    ) -> BadRow:
        if ref_line is not None:
            elsewhere = f" файла {self.files[ref_file].name}" if ref_file != file_no else ""
            reason = f"{reason} (см. строку {ref_line}{elsewhere})"
        return BadRow(self.files[file_no].name, line, column, reason)

    def report_writer(self) -> Any:
        if self.report_path is None:
            return None
        if self.report is None:
            self.report = self.report_path.open("w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.report, delimiter=";")
            self.writer.writerow(["файл", "строка", "столбец", "причина"])
        return self.writer

    def check_contracts(self, table: str) -> None:
        self.mark_repeated(table, ["contract_number"], "contract_number", "договор указан повторно")
        for column in ("organization_name", "legal_address", "postal_address"):
            self.mark_disagreeing(
                table, ["inn", "kpp"], column, "у организации с этими ИНН и КПП в файле разные реквизиты"
            )

    def check_meters(self, table: str) -> None:
        self.mark_unknown_contract(table)
        self.mark_repeated(
            table, ["contract_number", "serial_number"], "serial_number", "прибор учета указан повторно"
        )

    def check_invoices(self, table: str) -> None:
        self.mark_unknown_contract(table)
        keys = ["contract_number", "invoice_number"]
        self.mark_repeated(
            table, [*keys, "line_no"], "line_no", "строка счета с этим номером указана повторно"
        )
        for column, what in (("invoice_date", "разная дата"), ("operation_type", "разный тип операции")):
            self.mark_disagreeing(table, keys, column, f"у строк одного счета {what}")
        # A charge keeps its VAT within its amount and of the same sign.
        if self.invoice_sums_wrong(table):
            self.mark(
                table,
                "invoice_number",
                "НДС счета больше его суммы или другого знака",
                "EXISTS (SELECT 1 FROM billing_invoice_sums x WHERE x.contract_number = s.contract_number "
                "AND x.invoice_number = s.invoice_number)",
            )
        if self.skip_bad:
            # An invoice loads whole or not at all.
            self.sql(
                f"UPDATE {table} SET err_column = 'invoice_number', "
                f"err_reason = 'счет не загружен: в другой его строке ошибка', "
                f"ref_file_no = b.file_no, ref_line = b.line FROM ("
                f"  SELECT contract_number, invoice_number, min(file_no) AS file_no, min(line) AS line "
                f"  FROM {table} WHERE err_reason IS NOT NULL AND invoice_number IS NOT NULL "
                f"  GROUP BY contract_number, invoice_number"
                f") b WHERE {table}.err_reason IS NULL AND {table}.contract_number = b.contract_number "
                f"AND {table}.invoice_number = b.invoice_number"
            )

    def invoice_sums_wrong(self, table: str) -> int:
        """Collects the invoices whose lines sum to a VAT beyond the total or of the other sign."""
        self.temp_table("billing_invoice_sums", "(contract_number text, invoice_number text)")
        self.sql(
            f"INSERT INTO billing_invoice_sums (contract_number, invoice_number) "
            f"SELECT contract_number, invoice_number FROM {table} WHERE err_reason IS NULL "
            f"GROUP BY contract_number, invoice_number HAVING NOT ("
            f"(sum(total) >= 0 AND sum(vat_amount) >= 0 AND sum(vat_amount) <= sum(total)) OR "
            f"(sum(total) < 0 AND sum(vat_amount) <= 0 AND sum(vat_amount) >= sum(total)))"
        )
        return self.sql("SELECT count(*) FROM billing_invoice_sums")[0][0]

    def check_payments(self, table: str) -> None:
        self.mark_unknown_contract(table)
        self.mark_repeated(
            table,
            ["contract_number", "document_number", "payment_date"],
            "document_number",
            "оплата с этим номером документа и датой указана повторно",
        )

    def check_readings(self, table: str) -> None:
        self.mark_unknown_contract(table)
        self.mark(
            table,
            "serial_number",
            "у договора нет прибора учета с этим заводским номером",
            f"NOT EXISTS (SELECT 1 FROM {METER} m JOIN {CONTRACT} c ON c.id = m.contract_id "
            f"WHERE c.number = s.contract_number AND m.serial_number = s.serial_number)",
        )
        self.mark_repeated(
            table,
            ["contract_number", "serial_number", "reading_date"],
            "reading_date",
            "показания прибора на эту дату указаны повторно",
        )
        self.mark(
            table,
            "value",
            "показания не помещаются на табло прибора (больше разрядов до запятой)",
            f"EXISTS (SELECT 1 FROM {METER} m JOIN {CONTRACT} c ON c.id = m.contract_id "
            f"WHERE c.number = s.contract_number AND m.serial_number = s.serial_number "
            f"AND s.value >= power(10, m.digits_before))",
        )

    # -- upserts ---------------------------------------------------------------

    def load_contracts(self, counts: dict[str, Counts]) -> None:
        table = "billing_stage_contracts"
        org_columns = ["name", "legal_address", "postal_address"]
        created, updated = self.upsert(
            f"INSERT INTO {ORG} (inn, kpp, name, legal_address, postal_address) "
            f"SELECT DISTINCT inn, coalesce(kpp, ''), organization_name, coalesce(legal_address, ''), "
            f"coalesce(postal_address, '') FROM {table} WHERE err_reason IS NULL "
            f"ON CONFLICT (inn, kpp) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in org_columns)
            + f" WHERE {self.differs(ORG, 'EXCLUDED', org_columns)}",
            ORG,
        )
        (organizations,) = self.sql(
            f"SELECT count(*) FROM (SELECT DISTINCT inn, kpp FROM {table} WHERE err_reason IS NULL) o"
        )[0]
        counts["organizations"] = Counts(created, updated, organizations - created - updated)
        contract_columns = ["organization_id", "signed_on", "service", "billing_email", "billing_phone"]
        created, updated = self.upsert(
            f"INSERT INTO {CONTRACT} (number, organization_id, signed_on, service, billing_email, "
            f"billing_phone, registration_method) "
            f"SELECT s.contract_number, o.id, s.signed_on, s.service, coalesce(s.email, ''), "
            f"coalesce(s.phone, ''), '' FROM {table} s "
            f"JOIN {ORG} o ON o.inn = s.inn AND o.kpp = coalesce(s.kpp, '') WHERE s.err_reason IS NULL "
            f"ON CONFLICT (number) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in contract_columns)
            + f" WHERE {self.differs(CONTRACT, 'EXCLUDED', contract_columns)}",
            CONTRACT,
        )
        counts["contracts"] = self.counts(table, created, updated)

    def counts(self, table: str, created: int, updated: int, *, distinct: str | None = None) -> Counts:
        rows = f"DISTINCT {distinct}" if distinct else "*"
        (total,) = self.sql(
            f"SELECT count({'*' if not distinct else '1'}) FROM (SELECT {rows} FROM {table} "
            f"WHERE err_reason IS NULL) t"
        )[0]
        return Counts(created, updated, total - created - updated)

    def load_meters(self, counts: dict[str, Counts]) -> None:
        table = "billing_stage_meters"
        pairs = [
            ("model_name", "model"),
            ("resource", "resource"),
            ("address", "address"),
            ("digits_before", "digits_before"),
            ("digits_after", "digits_after"),
            ("verification_due", "verification_due"),
            ("is_active", "active"),
        ]
        targets = [t for t, _ in pairs]
        created, updated = self.upsert(
            f"INSERT INTO {METER} (contract_id, serial_number, {', '.join(targets)}) "
            f"SELECT c.id, s.serial_number, coalesce(s.model, ''), "
            + ", ".join(f"s.{source}" for _, source in pairs[1:])
            + f" FROM {table} s JOIN {CONTRACT} c ON c.number = s.contract_number WHERE s.err_reason IS NULL "
            f"ON CONFLICT (contract_id, serial_number) DO UPDATE SET "
            + ", ".join(f"{t} = EXCLUDED.{t}" for t in targets)
            + f" WHERE {self.differs(METER, 'EXCLUDED', targets)}",
            METER,
        )
        counts["meters"] = self.counts(table, created, updated)

    def load_invoices(self, counts: dict[str, Counts]) -> None:
        # The data_version triggers of invoices and lines are off for these
        # statements: each contract whose invoices changed is raised once at
        # the end, not once per statement through a transition table of a
        # hundred thousand rows.
        # A failing statement rolls the run back, and the setting with it:
        # no SQL after it (that would only hide its error).
        self.writer_raises(True)
        self.write_invoices(counts)
        self.raise_versions(
            "SELECT b.contract_id FROM billing_invoices b WHERE b.created OR b.id IN ("
            "SELECT id FROM billing_invoice_written UNION SELECT id FROM billing_invoices_relined)"
        )
        self.writer_raises(False)
        self.new_invoice_ids = self.news("billing_invoices", INVOICE)

    def writer_raises(self, on: bool) -> None:
        """Turns the data_version triggers of this transaction off (on=True:
        the loader raises the versions itself) or back on
        (enser_cabinet/data_version.py). SQLite has row triggers only."""
        if self.pg:
            self.sql("SELECT set_config(%s, %s, true)", [WRITER_RAISES, "on" if on else ""])

    def raise_versions(self, contracts: str) -> None:
        """Raises the data_version of the contracts `contracts` selects, once each."""
        if self.pg:
            self.sql(f"UPDATE {CONTRACT} SET data_version = data_version + 1 WHERE id IN ({contracts})")

    def write_invoices(self, counts: dict[str, Counts]) -> None:
        table = "billing_stage_invoices"
        header = ["date", "operation_type", "amount", "vat_amount"]
        lines_unchecked = self.lines_unchecked()
        # Every invoice of the files as its lines sum up, with its id: the one
        # in the cabinet, or for a new invoice one taken now from the table's
        # sequence (in the order of contract and number), so that its lines
        # can go in with it without looking it up again. `changed`: one in
        # the cabinet that differs. New invoices go in by a plain INSERT (a
        # first load is all new), the changed ones by the upsert; unchanged
        # ones not at all.
        self.temp_table(
            "billing_invoices",
            "(id bigint PRIMARY KEY, contract_id bigint NOT NULL, contract_number text, invoice_number text, "
            "date date, operation_type text, amount numeric(14, 2), vat_amount numeric(14, 2), "
            "lines integer, created boolean NOT NULL, changed boolean NOT NULL)",
        )
        new_id = self.new_ids(INVOICE, "i.id IS NULL", "h.contract_id, h.invoice_number")
        self.sql(
            f"INSERT INTO billing_invoices (id, contract_id, contract_number, invoice_number, date, "
            f"operation_type, amount, vat_amount, lines, created, changed) "
            f"SELECT coalesce(i.id, {new_id}), "
            f"h.contract_id, h.contract_number, h.invoice_number, h.date, h.operation_type, "
            f"h.amount, h.vat_amount, h.lines, i.id IS NULL, "
            f"(i.id IS NOT NULL AND {self.differs('i', 'h', header)}) FROM ("
            f"  SELECT c.id AS contract_id, s.contract_number, s.invoice_number, "
            f"  min(s.invoice_date) AS date, min(s.operation_type) AS operation_type, "
            f"  round(sum(s.total), 2) AS amount, round(sum(s.vat_amount), 2) AS vat_amount, "
            f"  count(*) AS lines FROM {table} s JOIN {CONTRACT} c ON c.number = s.contract_number "
            f"  WHERE s.err_reason IS NULL GROUP BY c.id, s.contract_number, s.invoice_number"
            f") h LEFT JOIN {INVOICE} i ON i.contract_id = h.contract_id AND i.number = h.invoice_number "
            f"ORDER BY h.contract_id, h.invoice_number"
        )
        self.analyze("billing_invoices")
        columns = "contract_id, number, date, operation_type, amount, vat_amount"
        chosen = "contract_id, invoice_number, date, operation_type, amount, vat_amount"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {INVOICE} (id, {columns}) SELECT id, {chosen} FROM billing_invoices "
                f"WHERE created ORDER BY id"
            )
            created = cursor.rowcount
        # The invoices the upsert updated (a new one is told by billing_invoices.created).
        self.temp_table("billing_invoice_written", "(id bigint PRIMARY KEY, created boolean NOT NULL)")
        # Created only if another writer deleted the invoice meanwhile.
        created += self.upsert(
            f"INSERT INTO {INVOICE} ({columns}) SELECT {chosen} FROM billing_invoices WHERE changed "
            f"ON CONFLICT (contract_id, number) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in header)
            + f" WHERE {self.differs(INVOICE, 'EXCLUDED', header)}",
            INVOICE,
            record="billing_invoice_written",
        )[0]
        self.analyze("billing_invoice_written")
        line_pairs = [
            ("position", "line_no"),
            ("installation", "installation"),
            ("address", "address"),
            ("tariff", "tariff"),
            ("unit", "unit"),
            ("quantity", "quantity"),
            ("price", "price"),
            ("amount", "amount"),
            ("vat_amount", "vat_amount"),
            ("vat_rate", "vat_rate"),
            ("total", "total"),
        ]
        op = "IS DISTINCT FROM" if self.pg else "IS NOT"
        same_line = " AND ".join(
            f"NOT (l.{t} {op} {'coalesce(s.address, %s)' if s == 'address' else f's.{s}'})"
            for t, s in line_pairs
        )
        # Lines are replaced as a whole where any differs, or their number
        # does: the invoices already in the cabinet whose lines are relined.
        # A new invoice has no lines yet: its lines go in all the same. Joins
        # only: a per-invoice subquery on the unindexed staging table would
        # take quadratic time.
        self.temp_table("billing_invoices_relined", "(id bigint PRIMARY KEY)")
        self.sql(
            f"INSERT INTO billing_invoices_relined (id) "
            f"SELECT m.id FROM billing_invoices m LEFT JOIN ("
            f"  SELECT l.invoice_id, count(*) AS lines FROM {LINE} l "
            f"  JOIN billing_invoices i ON i.id = l.invoice_id WHERE NOT i.created GROUP BY l.invoice_id"
            f") e ON e.invoice_id = m.id WHERE NOT m.created AND coalesce(e.lines, 0) <> m.lines "
            f"UNION "
            f"SELECT m.id FROM {table} s JOIN billing_invoices m ON m.contract_number = s.contract_number "
            f"AND m.invoice_number = s.invoice_number "
            f"LEFT JOIN {LINE} l ON l.invoice_id = m.id AND l.position = s.line_no AND {same_line} "
            f"WHERE NOT m.created AND s.err_reason IS NULL AND l.id IS NULL",
            [""],
        )
        self.analyze("billing_invoices_relined")
        self.sql(f"DELETE FROM {LINE} WHERE invoice_id IN (SELECT id FROM billing_invoices_relined)")
        self.sql(
            f"INSERT INTO {LINE} (invoice_id, position, installation, address, tariff, unit, quantity, "
            f"price, amount, vat_amount, vat_rate, total, rate_kind, period_amount) "
            f"SELECT m.id, s.line_no, s.installation, coalesce(s.address, ''), s.tariff, s.unit, s.quantity, "
            f"s.price, s.amount, s.vat_amount, s.vat_rate, s.total, '', 0 FROM {table} s "
            f"JOIN billing_invoices m ON m.contract_number = s.contract_number "
            f"AND m.invoice_number = s.invoice_number "
            f"LEFT JOIN billing_invoices_relined r ON r.id = m.id "
            f"WHERE s.err_reason IS NULL AND (m.created OR r.id IS NOT NULL) "
            f"ORDER BY m.id, s.line_no"
        )
        for name, definition in lines_unchecked:
            # One join checks every line, not a trigger each line at the commit.
            self.sql(f'ALTER TABLE {LINE} ADD CONSTRAINT "{name}" {definition}')
        (updated,) = self.sql(
            # Relined invoices are ones already in the cabinet: none is new.
            "SELECT count(*) FROM (SELECT id FROM billing_invoice_written WHERE NOT created "
            "UNION SELECT id FROM billing_invoices_relined) u"
        )[0]
        (total,) = self.sql("SELECT count(*) FROM billing_invoices")[0]
        counts["invoices"] = Counts(created, updated, total - created - updated)

    def lines_unchecked(self) -> list[tuple[str, str]]:
        """On a first load (no invoice in the cabinet yet, on PostgreSQL), the
        foreign keys of the invoice lines are dropped for the load, to be
        added back, and so checked in one statement, once the lines are in;
        (name, definition) of each. The tables are locked from readers until
        the commit then, which on a first load has nothing to show them."""
        if not self.pg or self.sql(f"SELECT EXISTS (SELECT 1 FROM {INVOICE})")[0][0]:
            return []
        keys = self.sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [LINE],
        )
        try:
            with transaction.atomic():
                for name, _ in keys:
                    self.sql(f'ALTER TABLE {LINE} DROP CONSTRAINT "{name}"')
        except DatabaseError:
            # The run's transaction has changed invoices or lines before
            # (checks still pending): the keys stay, checked at the commit.
            return []
        return keys

    def news(self, written: str, table: str) -> list[int]:
        """Rows created in this run and dated within NEWS_DAYS: a first load of
        years of history is not news to anyone."""
        since = timezone.localdate() - dt.timedelta(days=NEWS_DAYS)
        rows = self.sql(
            f"SELECT w.id FROM {written} w JOIN {table} t ON t.id = w.id WHERE w.created AND t.date >= %s "
            f"ORDER BY w.id",
            [since],
        )
        return [row_id for (row_id,) in rows]

    def load_payments(self, counts: dict[str, Counts]) -> None:
        table = "billing_stage_payments"
        columns = ["amount", "operation_type", "purpose"]
        self.temp_table("billing_payment_written", "(id bigint PRIMARY KEY, created boolean NOT NULL)")
        created, updated = self.upsert(
            f"INSERT INTO {PAYMENT} (contract_id, document_number, date, amount, operation_type, purpose) "
            f"SELECT c.id, s.document_number, s.payment_date, s.amount, s.operation_type, s.purpose "
            f"FROM {table} s "
            f"JOIN {CONTRACT} c ON c.number = s.contract_number WHERE s.err_reason IS NULL "
            f"ON CONFLICT (contract_id, document_number, date) WHERE NOT (document_number = '') "
            f"DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
            + f" WHERE {self.differs(PAYMENT, 'EXCLUDED', columns)}",
            PAYMENT,
            record="billing_payment_written",
        )
        counts["payments"] = self.counts(table, created, updated)
        # A payment that names an issued «Счёт на оплату» marks it paid.
        self.invoices_paid = payment_invoices_settle()
        self.new_payment_ids = self.news("billing_payment_written", PAYMENT)

    def load_readings(self, counts: dict[str, Counts]) -> None:
        table = "billing_stage_readings"
        op = "IS DISTINCT FROM" if self.pg else "IS NOT"
        # The customer already sent this very value for the day: it stands as
        # it is. Found before the insert: a check against the readings table
        # inside it would scan, for every row, the rows the insert itself
        # has added so far (quadratic on a first load, when the planner
        # takes the table for empty).
        self.temp_table("billing_readings_sent", "(file_no integer NOT NULL, line integer NOT NULL)")
        self.sql(
            f"INSERT INTO billing_readings_sent (file_no, line) SELECT s.file_no, s.line FROM {table} s "
            f"JOIN {CONTRACT} c ON c.number = s.contract_number "
            f"JOIN {METER} m ON m.contract_id = c.id AND m.serial_number = s.serial_number "
            f"WHERE s.err_reason IS NULL AND EXISTS (SELECT 1 FROM {READING} r WHERE r.meter_id = m.id "
            f"AND r.reading_date = s.reading_date AND r.value = s.value AND r.source <> 'import' "
            f"AND r.status <> 'rejected')"
        )
        created, updated = self.upsert(
            f"INSERT INTO {READING} (meter_id, value, consumption, is_rollover, reading_date, submitted_at, "
            f"source, status, review_note, reason) "
            f"SELECT m.id, s.value, NULL, %s, s.reading_date, %s, 'import', 'accepted', '', '' "
            f"FROM {table} s "
            f"JOIN {CONTRACT} c ON c.number = s.contract_number "
            f"JOIN {METER} m ON m.contract_id = c.id AND m.serial_number = s.serial_number "
            f"WHERE s.err_reason IS NULL AND NOT EXISTS (SELECT 1 FROM billing_readings_sent k "
            f"WHERE k.file_no = s.file_no AND k.line = s.line) "
            f"ON CONFLICT (meter_id, reading_date) WHERE source = 'import' "
            f"DO UPDATE SET value = EXCLUDED.value "
            f"WHERE {READING}.value {op} EXCLUDED.value",
            READING,
            params=[False, timezone.now()],
        )
        counts["readings"] = self.counts(table, created, updated)


def _pairs(columns: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    return [c if isinstance(c, tuple) else (c, c) for c in columns]


def summary_lines(counts: dict[str, Counts]) -> list[str]:
    """The summary table, as the command prints it."""
    head = f"{'':<16}{'создано':>10}{'обновлено':>12}{'без изменений':>16}{'пропущено':>12}"
    lines = [head]
    for kind, c in counts.items():
        lines.append(
            f"{SUMMARY_TITLES[kind]:<16}{c.created:>10}{c.updated:>12}{c.unchanged:>16}{c.skipped:>12}"
        )
    return lines
