"""Reading billing's export files: one kind of record per file, streamed.

The kind is recognised by the header's set of columns; the encoding
(UTF-8 with or without BOM, else Windows-1251) from the first chunk of
bytes; the delimiter from the header line; the decimal mark and the date
style from each value. Each can be fixed by the caller (`Formats`). A row
comes out typed, with the problems of its values named by column; the file
is never read whole.
"""

import codecs
import csv
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.validators import normalize_contract_number, validate_inn, validate_kpp
from enser_cabinet.money import vat_of
from settlements.vat import UnknownVatRate, vat_rate_on

SNIFF_BYTES = 64 * 1024
DEFAULT_SERVICE = "Теплоснабжение и горячее водоснабжение"
PURPOSE_LENGTH = 210  # a payment order's «Назначение платежа»
RESOURCES = {
    "heat": "heat",
    "hot_water": "hot_water",
    "тепловая энергия": "heat",
    "гвс": "hot_water",
}
DMY_RE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_RE = re.compile(r"^(-?\d+)(?:[.,](\d+))?$")


class FormatError(Exception):
    """A file that cannot be read as a billing export at all."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file, self.reason, self.line = file, reason, line
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")


@dataclass(frozen=True)
class Formats:
    """What the caller fixed; None means detect."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None


class BadValue(ValueError):
    pass


# The reasons a value or a row is refused, as people read them. Both ways of
# reading a file (row by row here, set-based in billing/copy_stage.py) fill
# in these same templates.
EMPTY = "не заполнено"
NOT_NUMBER = "«{text}» не число"
WRONG_MARK = "«{text}»: десятичный разделитель должен быть «{mark}»"
TOO_MANY_PLACES = "«{text}»: больше {places} знаков после запятой"
TOO_BIG = "«{text}»: слишком большое число"
NOT_INTEGER = "«{text}» не целое число"
OUT_OF_RANGE = "{value}: допустимо от {low} до {high}"
TOO_LONG = "длиннее {max_length} знаков"
NOT_FLAG = "«{value}»: указывается 1 или 0"
RATE_OUT_OF_RANGE = "«{value}»: ставка НДС от 0 до 100 %"
NEGATIVE_READING = "«{value}»: показания не бывают отрицательными"
KPP_REQUIRED = "у организации (ИНН из 10 цифр) КПП обязателен"
TOTAL_WRONG = "всего {total} не равно сумме без НДС {amount} и НДС {vat}"
VAT_WRONG = "НДС {vat} не равен {expected} ({rate} % от {amount})"
RATE_NOT_LEGAL = "ставка {rate} % не действует на {day} (действует {legal} %)"
PAYMENT_ZERO = "сумма оплаты не может быть нулевой"


# Parsers: text of one cell (stripped) -> a typed value, or BadValue with
# the reason in Russian.


def parse_decimal(text: str, formats: Formats, *, places: int, digits: int = 14) -> Decimal:
    compact = text.replace(" ", "").replace("\u00a0", "") if " " in text or "\u00a0" in text else text
    match = NUMBER_RE.match(compact)
    if not match:
        raise BadValue(NOT_NUMBER.format(text=text))
    whole, fraction = match.group(1), match.group(2)
    if fraction is not None:
        if formats.decimal and compact[len(whole)] != formats.decimal:
            raise BadValue(WRONG_MARK.format(text=text, mark=formats.decimal))
        if len(fraction) > places:
            raise BadValue(TOO_MANY_PLACES.format(text=text, places=places))
    if len(whole.lstrip("-").lstrip("0")) > digits - places:
        raise BadValue(TOO_BIG.format(text=text))
    return Decimal(whole if fraction is None else f"{whole}.{fraction}")


@functools.lru_cache(maxsize=4096)
def _date_dmy(text: str) -> dt.date:
    # Exports repeat their few dates on every row: each is parsed once.
    return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))


def parse_date(text: str, formats: Formats) -> dt.date:
    try:
        if formats.date_format:
            return dt.datetime.strptime(text, formats.date_format).date()
        if DMY_RE.match(text):
            return _date_dmy(text)
        if ISO_RE.match(text):
            return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadValue(f"«{text}» не дата") from exc
    raise BadValue(f"«{text}» не дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")


def parse_int(text: str, low: int, high: int) -> int:
    if not text.isdigit() or not text.isascii():
        raise BadValue(NOT_INTEGER.format(text=text))
    value = int(text)
    if not low <= value <= high:
        raise BadValue(OUT_OF_RANGE.format(value=value, low=low, high=high))
    return value


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str, Formats], Any]
    required: bool = True
    # A column added to the format later: a file without it still reads,
    # its rows taking the column as empty.
    in_every_header: bool = True


def text(max_length: int) -> Callable[[str, Formats], str]:
    def parse(value: str, formats: Formats) -> str:
        if len(value) > max_length:
            raise BadValue(TOO_LONG.format(max_length=max_length))
        return value

    parse.max_length = max_length  # type: ignore[attr-defined]
    return parse


@functools.lru_cache(maxsize=65536)
def _contract_number(value: str) -> str | None:
    return normalize_contract_number(value)


def contract_number(value: str, formats: Formats) -> str:
    number = _contract_number(value)
    if number is None:
        raise BadValue(f"«{value}» не номер договора вида 00000-ЭС")
    return number


def validated(validator: Callable[[str], None], max_length: int) -> Callable[[str, Formats], str]:
    def parse(value: str, formats: Formats) -> str:
        try:
            validator(value)
        except ValidationError as exc:
            raise BadValue(f"«{value}»: {exc.messages[0]}") from exc
        return text(max_length)(value, formats)

    return parse


def resource(value: str, formats: Formats) -> str:
    try:
        return RESOURCES[value.lower()]
    except KeyError:
        raise BadValue(
            f"«{value}»: ресурс указывается как heat, hot_water, «Тепловая энергия» или «ГВС»"
        ) from None


def flag(value: str, formats: Formats) -> bool:
    if value not in ("0", "1"):
        raise BadValue(NOT_FLAG.format(value=value))
    return value == "1"


def money(value: str, formats: Formats) -> Decimal:
    return parse_decimal(value, formats, places=2)


def date(value: str, formats: Formats) -> dt.date:
    return parse_date(value, formats)


def quantity(value: str, formats: Formats) -> Decimal:
    return parse_decimal(value, formats, places=4)


def vat_rate(value: str, formats: Formats) -> Decimal:
    rate = parse_decimal(value.rstrip("%").strip(), formats, places=2, digits=5)
    if not 0 <= rate <= 100:
        raise BadValue(RATE_OUT_OF_RANGE.format(value=value))
    return rate


def reading_value(value: str, formats: Formats) -> Decimal:
    number = parse_decimal(value, formats, places=4, digits=12)
    if number < 0:
        raise BadValue(NEGATIVE_READING.format(value=value))
    return number


def line_no(value: str, formats: Formats) -> int:
    return parse_int(value, 1, 32767)


def digits_before(value: str, formats: Formats) -> int:
    return parse_int(value, 1, 8)


def digits_after(value: str, formats: Formats) -> int:
    return parse_int(value, 0, 4)


def validate_email_value(value: str) -> None:
    validate_email(value)


@dataclass(frozen=True)
class Kind:
    name: str  # as in code and summaries
    title: str  # as people read it
    columns: tuple[Column, ...]
    check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None

    @property
    def column_names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns)

    @property
    def header_names(self) -> frozenset[str]:
        """The columns every file of the kind has in its header."""
        return frozenset(c.name for c in self.columns if c.in_every_header)

    def recognises(self, names: frozenset[str]) -> bool:
        return self.header_names <= names <= self.column_names


def check_contract(values: dict[str, Any]) -> list[tuple[str, str]]:
    inn, kpp = values.get("inn"), values.get("kpp")
    if inn and len(inn) == 10 and kpp == "":
        return [("kpp", KPP_REQUIRED)]
    if values.get("service") == "":
        values["service"] = DEFAULT_SERVICE
    return []


def check_invoice_line(values: dict[str, Any]) -> list[tuple[str, str]]:
    amount, vat, total, rate = (values.get(k) for k in ("amount", "vat_amount", "total", "vat_rate"))
    day = values.get("invoice_date")
    problems = []
    if None not in (amount, vat, total) and total != amount + vat:
        problems.append(("total", TOTAL_WRONG.format(total=total, amount=amount, vat=vat)))
    if None not in (amount, vat, rate) and vat != vat_of(amount, rate):
        expected = vat_of(amount, rate)
        problems.append(
            ("vat_amount", VAT_WRONG.format(vat=vat, expected=expected, rate=rate, amount=amount))
        )
    if rate is not None and day is not None:
        try:
            legal = vat_rate_on(day)
        except UnknownVatRate as exc:
            problems.append(("vat_rate", str(exc)))
        else:
            if rate != legal:
                problems.append(
                    ("vat_rate", RATE_NOT_LEGAL.format(rate=rate, day=f"{day:%d.%m.%Y}", legal=legal))
                )
    return problems


def check_payment(values: dict[str, Any]) -> list[tuple[str, str]]:
    if values.get("amount") == 0:
        return [("amount", PAYMENT_ZERO)]
    return []


CONTRACTS = Kind(
    "contracts",
    "договоры",
    (
        Column("contract_number", contract_number),
        Column("signed_on", date),
        Column("inn", validated(validate_inn, 12)),
        Column("kpp", validated(validate_kpp, 9), required=False),
        Column("organization_name", text(255)),
        Column("legal_address", text(500), required=False),
        Column("postal_address", text(500), required=False),
        Column("service", text(255), required=False),
        Column("email", validated(validate_email_value, 254), required=False),
        Column("phone", text(32), required=False),
    ),
    check_contract,
)
INVOICES = Kind(
    "invoices",
    "начисления",
    (
        Column("contract_number", contract_number),
        Column("invoice_number", text(50)),
        Column("invoice_date", date),
        Column("operation_type", text(100)),
        Column("line_no", line_no),
        Column("installation", text(255)),
        Column("address", text(500), required=False),
        Column("tariff", text(255)),
        Column("unit", text(20)),
        Column("quantity", quantity),
        Column("price", money),
        Column("amount", money),
        Column("vat_rate", vat_rate),
        Column("vat_amount", money),
        Column("total", money),
    ),
    check_invoice_line,
)
PAYMENTS = Kind(
    "payments",
    "оплаты",
    (
        Column("contract_number", contract_number),
        Column("document_number", text(50)),
        Column("payment_date", date),
        Column("amount", money),
        Column("operation_type", text(100)),
        Column("purpose", text(PURPOSE_LENGTH), required=False, in_every_header=False),
    ),
    check_payment,
)
METERS = Kind(
    "meters",
    "приборы учета",
    (
        Column("contract_number", contract_number),
        Column("serial_number", text(32)),
        Column("model", text(100), required=False),
        Column("resource", resource),
        Column("address", text(500)),
        Column("digits_before", digits_before),
        Column("digits_after", digits_after),
        Column("verification_due", date),
        Column("active", flag),
    ),
)
READINGS = Kind(
    "readings",
    "показания",
    (
        Column("contract_number", contract_number),
        Column("serial_number", text(32)),
        Column("reading_date", date),
        Column("value", reading_value),
    ),
)

# In the order they load: each kind refers only to the ones before it.
KINDS: tuple[Kind, ...] = (CONTRACTS, METERS, INVOICES, PAYMENTS, READINGS)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    errors: list[tuple[str | None, str]] = field(default_factory=list)


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # A multi-byte letter may be cut at the chunk's end: not final.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def recognise(header: list[str], file: str) -> Kind:
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise FormatError(file, f"в заголовке повторяются столбцы: {', '.join(duplicates)}", 1)
    given = frozenset(names)
    for kind in KINDS:
        if kind.recognises(given):
            return kind
    closest = max(KINDS, key=lambda kind: len(kind.column_names & given))
    missing = [c.name for c in closest.columns if c.name not in given and c.in_every_header]
    extra = [name for name in names if name not in closest.column_names]
    parts = []
    if missing:
        parts.append(f"не хватает столбцов: {', '.join(missing)}")
    if extra:
        parts.append(f"лишние столбцы: {', '.join(extra)}")
    raise FormatError(
        file,
        f"заголовок не совпадает ни с одним видом записей; ближе всего «{closest.title}» "
        f"({closest.name}), но {'; '.join(parts)}",
        1,
    )


class BillingFile:
    """One export file: its kind and format, read from the header; rows on demand."""

    def __init__(self, path: Path, formats: Formats | None = None) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.formats = formats or Formats()
        with self.path.open("rb") as raw:
            head = raw.read(SNIFF_BYTES)
        if not head.strip():
            raise FormatError(self.name, "файл пуст")
        encoding = self.formats.encoding or detect_encoding(head)
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        self.encoding = encoding
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FormatError(self.name, f"неизвестная кодировка «{encoding}»") from None
        with self.path.open("rb") as raw:
            try:
                header_line = next(self._lines(raw), "")
            except UnicodeDecodeError:
                raise FormatError(self.name, f"заголовок не читается в кодировке {encoding}", 1) from None
        self.delimiter = self.formats.delimiter or (";" if ";" in header_line else ",")
        header = next(csv.reader([header_line], delimiter=self.delimiter))
        self.kind = recognise(header, self.name)
        self.header = [name.strip().lstrip("\ufeff").lower() for name in header]
        self.size = self.path.stat().st_size

    def _lines(self, raw: Any) -> Iterator[str]:
        """Decoded lines, one at a time, so that a byte the encoding does
        not know is found on its own line. Splitting bytes at the newline is
        safe in UTF-8 and in Windows-1251."""
        encoding = "utf-8" if self.encoding.lower().replace("_", "-") == "utf-8-sig" else self.encoding
        self.lines_read = 0
        for chunk in raw:
            if self.lines_read == 0 and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8) :]
            self.lines_read += 1
            yield chunk.decode(encoding)

    def rows(self) -> Iterator[Row]:
        columns = {c.name: c for c in self.kind.columns}
        width = len(self.header)
        with self.path.open("rb") as raw:
            reader = csv.reader(self._lines(raw), delimiter=self.delimiter)
            try:
                next(reader)
                for cells in reader:
                    if not any(cell.strip() for cell in cells):
                        continue
                    yield self._row(reader.line_num, cells, columns, width)
            except UnicodeDecodeError:
                raise FormatError(
                    self.name, f"текст не читается в кодировке {self.encoding}", self.lines_read
                ) from None
            except csv.Error as exc:
                raise FormatError(
                    self.name, f"строка не разбирается как CSV ({exc})", reader.line_num
                ) from None

    def _row(self, line: int, cells: list[str], columns: dict[str, Column], width: int) -> Row:
        # A column this file's header lacks (one added to the format later) is empty.
        row = Row(line, {name: "" for name in columns if name not in self.header})
        if len(cells) != width:
            row.errors.append((None, f"в строке {len(cells)} полей, в заголовке {width}"))
            return row
        for name, cell in zip(self.header, cells, strict=True):
            column = columns[name]
            value = cell.strip()
            if value == "":
                if column.required:
                    row.errors.append((name, EMPTY))
                    row.values[name] = None
                else:
                    row.values[name] = ""
                continue
            try:
                row.values[name] = column.parse(value, self.formats)
            except BadValue as exc:
                row.errors.append((name, str(exc)))
                row.values[name] = None
        if self.kind.check and not row.errors:
            row.errors.extend(self.kind.check(row.values))
        return row
