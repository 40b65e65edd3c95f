"""The reader streams: a file is never held whole, and progress is told as
rows go by."""

import datetime as dt
import io
import os
import select
import tracemalloc
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.loader import billing_import
from billing.reader import BadValue, BillingFile, Formats, detect_encoding, parse_date, parse_decimal
from tests.billing.conftest import sample_rows, write_csv


def test_encoding_is_sniffed_from_the_first_bytes():
    text = "contract_number;Оплата\n"
    assert detect_encoding(("\ufeff" + text).encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(text.encode("cp1251")) == "cp1251"
    # A Cyrillic letter cut in two at the end of the chunk is still UTF-8.
    assert detect_encoding(text.encode("utf-8") + "Ж".encode()[:1]) == "utf-8"


def test_values_are_typed_by_their_own_style():
    formats = Formats()
    assert parse_date("10.11.2021", formats) == parse_date("2021-11-10", formats) == dt.date(2021, 11, 10)
    assert parse_decimal("13 481,16", formats, places=2) == Decimal("13481.16")
    assert parse_decimal("-100.5", formats, places=2) == Decimal("-100.5")
    assert parse_decimal("000123,4500", formats, places=4) == Decimal("123.45")
    assert parse_decimal("999999999999,99", formats, places=2) == Decimal("999999999999.99")
    for text, reason in [
        ("1000000000000", "слишком большое число"),
        ("1,234", "больше 2 знаков после запятой"),
        ("1,2,3", "не число"),
        ("1e5", "не число"),
        ("", "не число"),
    ]:
        with pytest.raises(BadValue, match=reason):
            parse_decimal(text, formats, places=2)
    with pytest.raises(BadValue, match=r"десятичный разделитель должен быть «\.»"):
        parse_decimal("1,5", Formats(decimal="."), places=2)
    with pytest.raises(BadValue, match="не дата"):
        parse_date("30.02.2021", formats)


def test_a_big_file_is_read_row_by_row(tmp_path):
    header, rows = sample_rows("invoices.csv")
    path = write_csv(tmp_path / "invoices.csv", header, rows * 500)  # 6 000 lines, ~1 MB
    size = path.stat().st_size
    assert size > 900_000
    billing_file = BillingFile(path)
    tracemalloc.start()
    try:
        count = sum(1 for _ in billing_file.rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == len(rows) * 500
    assert peak < size / 10, f"peak {peak} bytes for a file of {size}"


@pytest.mark.django_db
def test_progress_is_told_per_file(sample):
    seen = []
    billing_import([sample], progress=lambda kind, name, rows: seen.append((kind, name, rows)))
    assert ("invoices", "invoices.csv", 12) in seen
    assert [kind for kind, _, _ in seen] == ["contracts", "meters", "invoices", "payments", "readings"]


def tty_stderr_of(*args: str) -> str:
    """What the command writes to a terminal on stderr."""
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", encoding="utf-8") as terminal:
            call_command("import_billing", *args, stdout=io.StringIO(), stderr=terminal)
        chunks = []
        while select.select([master], [], [], 0.1)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(master)


@pytest.mark.django_db
def test_a_terminal_sees_progress_unless_quiet(sample):
    shown = tty_stderr_of(str(sample))
    assert "начисления: invoices.csv, строк: 12" in shown
    assert "\r" in shown
    assert tty_stderr_of(str(sample), "--quiet") == ""
