"""The reader streams: a file is never held whole, and progress is told as
rows go by."""

import datetime as dt
import tracemalloc
from decimal import Decimal

import pytest

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
