"""Staging a billing file on PostgreSQL straight from its bytes.

The row-by-row reader (billing/reader.py) costs a few microseconds of Python
per value; at a million invoice lines that is most of a load. Here the file's
bytes go unparsed into a temporary table of text columns by one
`COPY … (FORMAT csv)`, and the values are typed and checked in SQL, set-based,
into the same staging table the row-by-row path fills, with the same reasons
(the templates of billing/reader.py):

- numbers, integers, flags and lengths by regular expressions and ranges
  before any cast, so that a bad value never aborts the statement;
- the values that need the project's own rules (contract numbers, INN, KPP,
  e-mail, resources, dates) are few distinct ones: each is checked once in
  Python by the reader's own parser and the results joined back;
- the row checks (an invoice line's sums and VAT rate, a company's KPP, a
  payment's amount) in SQL, the legal rates taken from settlements/vat.py.

A file this cannot read exactly as the row-by-row reader would is given back
to it (`NotCopyable`): a record spread over several lines (a quoted line
break: line numbers would differ), blank lines, a row with another number of
fields, text the encoding does not know, an encoding COPY has no name for.
Those files load as before, with the reader's messages.
"""

import codecs
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from django.db import DatabaseError, connection

from billing import reader
from billing.reader import BillingFile, Formats, Kind
from settlements.vat import VAT_RATES, UnknownVatRate, vat_rate_on

CHUNK = 1 << 20
MAP_BATCH = 10_000
# What Python's str.strip() takes away: every cell is stripped alike.
WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
PG_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "cp1251": "WIN1251"}


class NotCopyable(Exception):
    """The file goes through the row-by-row reader instead."""


# What gives a file back to the row-by-row reader: COPY refusing its bytes
# (psycopg's own errors: Django does not wrap `cursor.copy`) included.
GIVEN_BACK = (NotCopyable, DatabaseError, psycopg.Error)


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


WS = literal(WHITESPACE)


def message(template: str, **values: str) -> str:
    """A reason template of billing/reader.py as an SQL text expression;
    `values` are SQL expressions for its fields."""
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for n, part in enumerate(parts):
        if n % 2:
            out.append(f"({values[part]})::text")
        elif part:
            out.append(literal(part))
    return "(" + " || ".join(out) + ")"


def pg_encoding(billing_file: BillingFile) -> str:
    try:
        name = codecs.lookup(billing_file.encoding).name
    except LookupError:
        raise NotCopyable from None
    if name not in PG_ENCODINGS:
        raise NotCopyable
    return PG_ENCODINGS[name]


def _sql(statement: str) -> Any:
    # No parameters: the reasons hold "%", which a placeholder parser would take.
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchall() if cursor.description else None


def copy_raw(billing_file: BillingFile, raw: str, progress: Callable[[int], None] | None) -> None:
    """The file's records after the header into `raw` (rec 1, 2, … in file
    order), the header line's bytes (and a BOM) left out."""
    delimiter = billing_file.delimiter
    if len(delimiter) != 1 or not delimiter.isascii() or delimiter in '"\r\n\\' or delimiter.isalnum():
        raise NotCopyable
    encoding = pg_encoding(billing_file)
    header = billing_file.header
    columns = ", ".join(f"{name} text" for name in header)
    _sql(f"DROP TABLE IF EXISTS {raw}")
    _sql(f"CREATE TEMP TABLE {raw} (rec bigint GENERATED ALWAYS AS IDENTITY, {columns}) ON COMMIT DROP")
    statement = (
        f"COPY {raw} ({', '.join(header)}) FROM STDIN "
        f"(FORMAT csv, HEADER false, DELIMITER {literal(delimiter)}, ENCODING {literal(encoding)}, "
        f"FORCE_NOT_NULL ({', '.join(header)}))"
    )
    newlines = returns = 0
    last = b""
    quote_pairs = _quote_pairs(delimiter.encode("ascii"))
    with billing_file.path.open("rb") as stream:
        stream.readline()  # the header, read and checked by BillingFile
        with connection.cursor() as cursor:
            with cursor.copy(statement) as copy:
                # Whole lines: each chunk starts a line.
                while chunk := stream.read(CHUNK) + stream.readline():
                    if b'"' in chunk and _stray_quote(chunk, quote_pairs):
                        raise NotCopyable
                    newlines += chunk.count(b"\n")
                    returns += chunk.count(b"\r")
                    last = chunk[-1:]
                    copy.write(chunk)
                    if progress and stream.tell() < billing_file.size:
                        progress(newlines)  # lines so far; the rows staged at the end
            copied = cursor.rowcount
    records = newlines + (1 if last not in (b"", b"\n") else 0)
    # One record per line, each line a record: then a record's number tells
    # its line. A quoted line break, a blank line, a lone CR do not pass.
    if copied != records or returns not in (0, newlines):
        raise NotCopyable


def _quote_pairs(delimiter: bytes) -> tuple[tuple[bytes, bytes], ...]:
    """(quote in its place, what is left of it): the delimiter or line end
    stays, for the quote on its other side (`","`)."""
    return (
        (b'""', b""),
        (delimiter + b'"', delimiter),
        (b'"' + delimiter, delimiter),
        (b'\n"', b"\n"),
        (b'"\r', b"\r"),
        (b'"\n', b"\n"),
    )


def _stray_quote(chunk: bytes, pairs: tuple[tuple[bytes, bytes], ...]) -> bool:
    """A quote inside an unquoted value (`ООО "Ромашка"`): the reader keeps
    it as it is, COPY would take it for the start of a quoted part. Quotes
    where RFC 4180 puts them (next to a delimiter or a line's end, or
    doubled) are taken away; any other left is one."""
    probe = b"\n" + chunk
    for pair, left in pairs:
        probe = probe.replace(pair, left)
    return b'"' in probe


NUMBER = "'^-?[0-9]+([.,][0-9]+)?$'"


def number_pattern(places: int, formats: Formats) -> str:
    """What reader.parse_decimal takes, to `places` digits after the mark
    (the allowed one if fixed), spaces left out."""
    mark = "[.,]" if not formats.decimal else re.escape(formats.decimal)
    return f"'^-?[0-9]+({mark}[0-9]{{1,{places}}})?$'"


NUMBERS = {  # parser: (places, digits), as billing/reader.py calls parse_decimal
    reader.money: (2, 14),
    reader.quantity: (4, 14),
    reader.reading_value: (4, 12),
    reader.vat_rate: (2, 5),
}
INTEGERS = {reader.line_no: (1, 32767), reader.digits_before: (1, 8), reader.digits_after: (0, 4)}


class _Column:
    """One column's SQL, in three passes over the raw text `t.<name>`:
    `parsed` (costly, once per row: a cast, a join's result), then `value`
    and `error` on the first pass's names (alias a), `value` NULL when bad.

    The raw text is not stripped where a value can be told good without it:
    a number or a flag is good as written or goes the long way, which strips
    it as reader does (str.strip()) and names the reason."""

    def __init__(self, column: reader.Column, stage_type: str, formats: Formats) -> None:
        self.name = name = column.name
        self.mapped = False
        self.stripped = False  # t.s_<name>: the stripped text, computed once
        raw = f"t.{name}"
        a, n = f"a.{name}", f"a.n_{name}"
        shown = f"btrim({a}, {WS})"  # the stripped text, for the reasons only
        parse = column.parse
        empty = literal(reader.EMPTY) if column.required else "NULL"
        self.parsed: list[str] = []
        if parse in NUMBERS:
            places, digits = NUMBERS[parse]
            compact = f"translate(btrim({raw}, {WS}), ' \u00a0', '')"
            if parse is reader.vat_rate:  # a trailing "%" is allowed
                compact = f"translate(btrim(rtrim(btrim({raw}, {WS}), '%'), {WS}), ' \u00a0', '')"
                shown = f"btrim(rtrim({shown}, '%'), {WS})"
            # The regular expression first: a cast is never tried on what it would refuse.
            pattern = number_pattern(places, formats)
            self.parsed.append(
                f"CASE WHEN {raw} ~ {pattern} THEN replace({raw}, ',', '.')::numeric "
                f"WHEN {compact} ~ {pattern} THEN replace({compact}, ',', '.')::numeric END AS n_{name}"
            )
            good = f"abs({n}) < 1e{digits - places}"
            self.value = f"CASE WHEN {good} THEN {n} END"
            checks = []
            if parse is reader.vat_rate:
                checks.append(
                    f"WHEN NOT {n} BETWEEN 0 AND 100 "
                    f"THEN {message(reader.RATE_OUT_OF_RANGE, value=shown_of(a))}"
                )
            if parse is reader.reading_value:
                checks.append(f"WHEN {n} < 0 THEN {message(reader.NEGATIVE_READING, value=shown_of(a))}")
            self.error = (
                f"CASE WHEN {good} THEN CASE {' '.join(checks) or 'WHEN false THEN NULL'} END "
                f"WHEN btrim({a}, {WS}) = '' THEN {empty} "
                f"ELSE {_number_reason(shown, formats, places, digits)} END"
            )
        elif parse in INTEGERS:
            low, high = INTEGERS[parse]
            self.parsed.append(
                f"CASE WHEN {raw} ~ '^[0-9]+$' THEN {raw}::numeric "
                f"WHEN btrim({raw}, {WS}) ~ '^[0-9]+$' "
                f"THEN btrim({raw}, {WS})::numeric END AS n_{name}"
            )
            self.value = f"CASE WHEN {n} BETWEEN {low} AND {high} THEN {n}::integer END"
            self.error = (
                f"CASE WHEN {n} BETWEEN {low} AND {high} THEN NULL "
                f"WHEN {n} IS NOT NULL "
                f"THEN {message(reader.OUT_OF_RANGE, value=n, low=str(low), high=str(high))} "
                f"WHEN {shown} = '' THEN {empty} ELSE {message(reader.NOT_INTEGER, text=shown)} END"
            )
        elif parse is reader.flag:
            self.value = (
                f"CASE WHEN {a} IN ('0', '1') THEN {a} = '1' "
                f"WHEN {shown} IN ('0', '1') THEN {shown} = '1' END"
            )
            self.error = (
                f"CASE WHEN {a} IN ('0', '1') OR {shown} IN ('0', '1') THEN NULL "
                f"WHEN {shown} = '' THEN {empty} ELSE {message(reader.NOT_FLAG, value=shown)} END"
            )
        elif hasattr(parse, "max_length"):
            self.stripped = True
            s = f"a.s_{name}"
            self.error = (
                f"CASE WHEN {s} = '' THEN {empty} WHEN length({s}) > {parse.max_length} "
                f"THEN {message(reader.TOO_LONG, max_length=str(parse.max_length))} END"
            )
            filled = f" AND {s} <> ''" if column.required else ""
            self.value = f"CASE WHEN length({s}) <= {parse.max_length}{filled} THEN {s} END"
        else:
            # The project's own rules: each distinct value once, in Python.
            self.mapped = True
            self.parsed.append(
                f"m_{name}.empty AS empty_{name}, m_{name}.value AS v_{name}, m_{name}.reason AS r_{name}"
            )
            self.error = f"CASE WHEN a.empty_{name} THEN {empty} ELSE a.r_{name} END"
            blank = "''" if not column.required else "NULL"
            self.value = f"CASE WHEN a.empty_{name} THEN {blank} ELSE a.v_{name}::{stage_type} END"


def shown_of(a: str) -> str:
    return f"btrim({a}, {WS})"


def _number_reason(shown: str, formats: Formats, places: int, digits: int) -> str:
    """Why reader.parse_decimal refuses the stripped text `shown`, in its order."""
    compact = f"translate({shown}, ' \u00a0', '')"
    cases = [f"WHEN {compact} !~ {NUMBER} THEN {message(reader.NOT_NUMBER, text=shown)}"]
    if formats.decimal:
        cases.append(
            f"WHEN {compact} ~ '[.,]' AND strpos({compact}, {literal(formats.decimal)}) = 0 "
            f"THEN {message(reader.WRONG_MARK, text=shown, mark=literal(formats.decimal))}"
        )
    cases.append(
        f"WHEN length(substring({compact} from '[.,]([0-9]+)$')) > {places} "
        f"THEN {message(reader.TOO_MANY_PLACES, text=shown, places=str(places))}"
    )
    return f"CASE {' '.join(cases)} ELSE {message(reader.TOO_BIG, text=shown)} END"


def _row_checks(kind: Kind) -> list[tuple[str, str]]:
    """(column, SQL reason or NULL) of the kind's row check, on the typed
    values b.<column>, in the order reader's check gives them."""
    if kind is reader.CONTRACTS:
        return [
            ("kpp", f"CASE WHEN length(b.inn) = 10 AND b.kpp = '' THEN {literal(reader.KPP_REQUIRED)} END")
        ]
    if kind is reader.PAYMENTS:
        return [("amount", f"CASE WHEN b.amount = 0 THEN {literal(reader.PAYMENT_ZERO)} END")]
    if kind is not reader.INVOICES:
        return []
    expected = "round(b.amount * b.vat_rate * 0.01, 2)"  # vat_of: exact product, half away from zero
    # The legal rate on the day, from settlements/vat.py's table.
    legal = (
        "CASE "
        + " ".join(
            f"WHEN b.invoice_date >= DATE {literal(since.isoformat())} THEN {literal(str(rate))}"
            for since, rate in reversed(VAT_RATES)
        )
        + " END"
    )
    day = "to_char(b.invoice_date, 'DD.MM.YYYY')"
    sentinel = dt.date(1, 1, 1)
    try:
        vat_rate_on(sentinel)
    except UnknownVatRate as exc:
        # settlements/vat.py's own reason, the day put in by SQL.
        before, after = str(exc).split(f"{sentinel:%d.%m.%Y}")
    else:  # pragma: no cover - no rate is in force in the year 1
        raise AssertionError("a VAT rate in force in the year 1")
    unknown = f"{literal(before)} || {day} || {literal(after)}"
    vat_wrong = message(
        reader.VAT_WRONG, vat="b.vat_amount", expected=expected, rate="b.vat_rate", amount="b.amount"
    )
    return [
        (
            "total",
            f"CASE WHEN b.total <> b.amount + b.vat_amount "
            f"THEN {message(reader.TOTAL_WRONG, total='b.total', amount='b.amount', vat='b.vat_amount')} END",
        ),
        (
            "vat_amount",
            f"CASE WHEN b.vat_amount <> {expected} THEN {vat_wrong} END",
        ),
        (
            "vat_rate",
            f"CASE WHEN ({legal}) IS NULL THEN {unknown} "
            f"WHEN b.vat_rate <> ({legal})::numeric "
            f"THEN {message(reader.RATE_NOT_LEGAL, rate='b.vat_rate', day=day, legal=legal)} END",
        ),
    ]


def stage_file(
    billing_file: BillingFile,
    file_no: int,
    table: str,
    stage_types: dict[str, str],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stages one file into `table` (the loader's staging table); returns
    the rows staged. Raises NotCopyable, having written nothing that counts,
    when the row-by-row reader must read the file."""
    kind = billing_file.kind
    raw = "billing_raw"
    copy_raw(billing_file, raw, progress)
    header = billing_file.header
    formats = billing_file.formats
    columns = {c.name: _Column(c, stage_types.get(c.name, "text"), formats) for c in kind.columns}
    maps = {
        name: f"billing_map_{name}" for name, column in columns.items() if column.mapped and name in header
    }
    for name, map_table in maps.items():
        _map_values(raw, name, map_table, kind, formats)

    stripped = "".join(f", btrim({name}, {WS}) AS s_{name}" for name in header if columns[name].stripped)
    # reader skips a row whose cells are all blank (it still counts its line).
    blank = " AND ".join(f"btrim({name}, {WS}) = ''" for name in header)
    joins = " ".join(f"LEFT JOIN {maps[name]} m_{name} ON m_{name}.raw = t.{name}" for name in maps)
    passed = [f"t.{name}" for name in header] + [f"t.s_{name}" for name in header if columns[name].stripped]
    parsed = [p for name in header for p in columns[name].parsed]
    first = (
        f"SELECT t.rec, {', '.join(passed + parsed)} "  # noqa: S608 - names from reader.KINDS only
        f"FROM (SELECT rec, {', '.join(header)}{stripped} FROM {raw} WHERE NOT ({blank}) OFFSET 0) t "
        f"{joins} OFFSET 0"
    )
    second = (
        "SELECT a.rec, "  # noqa: S608
        + ", ".join(f"{columns[name].value} AS {name}, {columns[name].error} AS e_{name}" for name in header)
        + f" FROM ({first}) a OFFSET 0"
    )
    checks = _row_checks(kind)
    column_errors = [f"b.e_{name}" for name in header]
    all_good = f"num_nonnulls({', '.join(column_errors)}) = 0"
    third = (
        "SELECT b.*"  # noqa: S608
        + "".join(f", CASE WHEN {all_good} THEN {sql} END AS k_{n}" for n, (_, sql) in enumerate(checks))
        + f" FROM ({second}) b OFFSET 0"
    )
    errors = [(name, f"c.e_{name}") for name in header] + [
        (column, f"c.k_{n}") for n, (column, _) in enumerate(checks)
    ]
    err_column = "CASE " + " ".join(f"WHEN {e} IS NOT NULL THEN {literal(c)}" for c, e in errors) + " END"
    # reader's rule for several problems: the first as it is, the others named by column.
    later = [
        f"CASE WHEN {e} IS NOT NULL AND num_nonnulls({', '.join(x for _, x in errors[:i])}) > 0 "
        f"THEN {literal('«' + c + '»: ')} || {e} END"
        for i, (c, e) in enumerate(errors)
        if i
    ]
    every = ", ".join(e for _, e in errors)
    err_reason = (
        f"CASE WHEN num_nonnulls({every}) = 0 THEN NULL "
        f"ELSE concat_ws('; ', {', '.join([f'coalesce({every})', *later])}) END"
    )
    names = [c.name for c in kind.columns]
    values = [
        f"CASE WHEN c.service = '' THEN {literal(reader.DEFAULT_SERVICE)} ELSE c.service END"
        if name == "service"
        else f"c.{name}"
        if name in header
        else "''"  # a column this file's header lacks (reader: empty)
        for name in names
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (file_no, line, err_column, err_reason, {', '.join(names)}) "  # noqa: S608
            f"SELECT {int(file_no)}, c.rec + 1, {err_column}, {err_reason}, {', '.join(values)} "
            f"FROM ({third}) c"
        )
        staged = cursor.rowcount
    for map_table in maps.values():
        _sql(f"DROP TABLE {map_table}")
    _sql(f"DROP TABLE {raw}")
    return staged


def _map_values(raw: str, name: str, map_table: str, kind: Kind, formats: Formats) -> None:
    """Each distinct value of a column checked once by the reader's parser:
    (raw, value or NULL, reason or NULL) into `map_table`."""
    parse = next(c.parse for c in kind.columns if c.name == name)
    _sql(f"DROP TABLE IF EXISTS {map_table}")
    _sql(
        f"CREATE TEMP TABLE {map_table} (raw text PRIMARY KEY, empty boolean, value text, reason text) "
        f"ON COMMIT DROP"
    )
    pg = connection.connection  # psycopg: a server-side cursor keeps memory flat
    with pg.cursor(name=f"billing_distinct_{name}") as distinct:
        distinct.execute(f"SELECT DISTINCT {name} FROM {raw}")  # noqa: S608
        while batch := distinct.fetchmany(MAP_BATCH):
            rows = [_mapped(parse, value, formats) for (value,) in batch]
            with (
                pg.cursor() as cursor,
                cursor.copy(f"COPY {map_table} (raw, empty, value, reason) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
    _sql(f"ANALYZE {map_table}")


def _mapped(parse: Callable[[str, Formats], Any], raw: str, formats: Formats) -> Sequence[Any]:
    value = raw.strip()
    if value == "":
        return (raw, True, None, None)
    try:
        typed = parse(value, formats)
    except reader.BadValue as exc:
        return (raw, False, None, str(exc))
    if isinstance(typed, dt.date):
        typed = typed.isoformat()
    return (raw, False, typed, None)
