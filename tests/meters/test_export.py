"""export_readings: the month's accepted readings as CSV for billing, in
UTF-8 and in Windows-1251, read back from the bytes."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from meters.export import HEADER, ExportError, parse_period, readings_export
from meters.models import Meter, Reading
from tests.conftest import make_contract
from tests.meters.conftest import add_reading, make_meter

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(contract, other_contract):
    water = make_meter(contract, serial="001383")
    heat = make_meter(
        contract, serial="041583", resource=Meter.Resource.HEAT, digits_before=5, digits_after=2
    )
    add_reading(water, dt.date(2026, 9, 20), "1370.100", consumption="10")
    add_reading(water, dt.date(2026, 10, 5), "1375.000", consumption="4.9")
    add_reading(water, dt.date(2026, 10, 20), "1383.725", consumption="8.725")
    add_reading(water, dt.date(2026, 10, 21), "9999.999", consumption="8616.274", status="review")
    add_reading(water, dt.date(2026, 10, 22), "1390", status="rejected", reason="Ошибка")
    rolled = add_reading(heat, dt.date(2026, 10, 31), "3.32", consumption="5.32")
    Reading.objects.filter(pk=rolled.pk).update(is_rollover=True)
    add_reading(heat, dt.date(2026, 11, 1), "8.00", consumption="4.68")
    third = make_meter(other_contract, serial="7700", digits_after=0)
    add_reading(third, dt.date(2026, 10, 1), "42", consumption="2")
    make_meter(other_contract, serial="SILENT")  # no reading in October
    return water, heat


def export(period="2026-10", **options) -> tuple[bytes, object]:
    out = io.BytesIO()
    counts = readings_export(period=parse_period(period), out=out, **options)
    return out.getvalue(), counts


def test_one_row_per_meter_with_the_last_reading_and_the_months_consumption(october):
    data, counts = export()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == HEADER
    assert HEADER[:3] == ["Номер договора", "ИНН", "Заводской номер ПУ"]
    assert HEADER[3:9] == [
        "Ресурс",
        "Единица",
        "Адрес установки",
        "Дата показаний",
        "Показания",
        "Расход за период",
    ]
    assert rows[1:] == [
        ["12345-ЭС", "7453012342", "001383", "ГВС", "м³", "г. Миасс, ул. Калинина, д. 12, пом. 3",
         "20.10.2026", "1383.725", "13.625", "нет", "личный кабинет", "20.10.2026 09:00"],
        ["12345-ЭС", "7453012342", "041583", "Тепловая энергия", "Гкал",
         "г. Миасс, ул. Калинина, д. 12, пом. 3", "31.10.2026", "3.32", "5.32", "да", "личный кабинет",
         "31.10.2026 09:00"],
        ["99999-ЭС", "7702070139", "7700", "ГВС", "м³", "г. Миасс, ул. Калинина, д. 12, пом. 3",
         "01.10.2026", "42", "2", "нет", "личный кабинет", "01.10.2026 09:00"],
    ]  # fmt: skip
    assert (counts.rows, counts.readings, counts.contracts, counts.on_review, counts.without_reading) == (
        3,
        4,
        2,
        1,
        1,
    )
    assert data.endswith(b"\r\n") and not data.startswith(b"\xef\xbb\xbf")


def test_windows_1251_with_semicolons_and_decimal_commas(october):
    data, _ = export(encoding="cp1251", delimiter=";")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("cp1251")), delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1][:9] == [
        "12345-ЭС",
        "7453012342",
        "001383",
        "ГВС",
        "м3",  # Windows-1251 has no ³
        "г. Миасс, ул. Калинина, д. 12, пом. 3",
        "20.10.2026",
        "1383,725",
        "13,625",
    ]
    assert "Номер договора;ИНН;".encode("cp1251") in data


def test_an_empty_month_gives_the_header_only(october):
    data, counts = export("2025-01")
    assert data.decode() == ",".join(HEADER) + "\r\n"
    assert counts.rows == 0 and counts.without_reading == 4


@pytest.mark.parametrize(
    "period", ["2026-13", "2026-00", "10-2026", "2026/10", "", "abc", "2026-1", "0001-01"]
)
def test_a_bad_period_is_explained(period):
    with pytest.raises(ExportError, match="нужен месяц в виде ГГГГ-ММ"):
        parse_period(period)


def test_the_command_writes_the_file_and_prints_the_counts(october, tmp_path):
    target = tmp_path / "readings-2026-10.csv"
    stdout = io.StringIO()
    call_command(
        "export_readings", "--period", "2026-10", "--output", str(target), "--encoding", "cp1251",
        "--delimiter", ";", stdout=stdout,
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("cp1251")), delimiter=";"))
    assert len(rows) == 4 and rows[2][7] == "3,32"
    assert stdout.getvalue().strip() == (
        "Период 2026-10: выгружено строк (приборов учета) 3, принятых показаний 4, договоров 2; "
        f"на проверке, не выгружено: 1; приборов в работе без показаний за период: 1. Файл: {target}"
    )
    assert not (tmp_path / "readings-2026-10.csv.part").exists()


def test_the_command_writes_utf8_csv_to_standard_output(october):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("export_readings", "--period", "2026-10", stdout=stdout, stderr=stderr)
    assert stdout.getvalue().startswith(",".join(HEADER) + "\r\n")
    assert "001383" in stdout.getvalue()
    assert "выгружено строк (приборов учета) 3" in stderr.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "2026-13"], "нужен месяц в виде ГГГГ-ММ"),
        (
            ["--period", "2026-10", "--encoding", "koi8-r"],
            "Кодировка «koi8-r» не поддерживается: utf-8, cp1251",
        ),
        ([], "Укажите месяц выгрузки: --period ГГГГ-ММ"),
        (["--output", "x.csv"], "Укажите месяц выгрузки"),
        (["--period", "2026-10", "--delimiter", ";;"], "Разделитель «;;» не годится"),
        (["--period", "2026-10", "--output", "/nonexistent/dir/x.csv"], "Папки /nonexistent/dir нет"),
    ],
)
def test_bad_options_are_a_clear_command_error(args, message, db):
    with pytest.raises(CommandError, match=message):
        call_command("export_readings", *args, stdout=io.StringIO())


def test_readings_of_a_contract_in_another_month_stay_out(db):
    contract = make_contract()
    meter = make_meter(contract, serial="X")
    add_reading(meter, dt.date(2026, 9, 30), "1", consumption="1")
    add_reading(meter, dt.date(2026, 11, 1), "2", consumption="1")
    data, counts = export()
    assert counts.rows == 0 and b"X" not in data.split(b"\r\n", 1)[1]
    assert Decimal("1") == Reading.objects.get(reading_date=dt.date(2026, 9, 30)).value


def test_text_that_a_spreadsheet_would_run_stays_text(contract):
    """A meter's address typed as a formula (OWASP, CSV injection) reaches
    billing as text: a leading apostrophe, the rest as typed; numbers stay numbers."""
    meter = make_meter(contract, serial="@SUM(1+1)")
    Meter.objects.filter(pk=meter.pk).update(address="=cmd|' /C calc'!A0")
    add_reading(meter, dt.date(2026, 10, 5), "1375.000", consumption="4.9")
    for encoding, delimiter in (("utf-8", ","), ("cp1251", ";")):
        data, _ = export(encoding=encoding, delimiter=delimiter)
        (row,) = list(csv.reader(io.StringIO(data.decode(encoding)), delimiter=delimiter))[1:]
        assert row[2] == "'@SUM(1+1)"
        assert row[5] == "'=cmd|' /C calc'!A0"
        assert row[7] == ("1375.000" if delimiter == "," else "1375,000")
