"""A bad row stops the run with its file, line, column and reason, and
nothing of that run is kept."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management.base import CommandError

from accounts.models import Contract
from billing.models import ImportRun
from settlements.models import Payment
from tests.billing.conftest import edited, run_import, sample_rows, set_cell, table_checksums, write_csv

pytestmark = pytest.mark.django_db


def cell(line: int, column: str, value: str):
    return lambda header, rows: set_cell(header, rows, line, column, value)


def rate_on_line(line: int, rate: str):
    """A line re-priced at `rate` with its VAT and total consistent: only the rate is wrong."""

    def edit(header: list[str], rows: list[list[str]]) -> None:
        row = rows[line - 2]
        amount = Decimal(row[header.index("amount")].replace(",", "."))
        vat = (amount * Decimal(rate) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for column, value in [("vat_rate", rate), ("vat_amount", vat), ("total", amount + vat)]:
            row[header.index(column)] = str(value).replace(".", ",")

    return edit


def repeat_line(line: int):
    return lambda header, rows: rows.append(list(rows[line - 2]))


def short_row(header: list[str], rows: list[list[str]]) -> None:
    rows[1] = rows[1][:-2]


# file, edit, the error's start, a piece of its reason
BAD_ROWS = {
    "unknown contract": (
        "invoices.csv",
        cell(8, "contract_number", "55555-ЭС"),
        "invoices.csv:8, столбец «contract_number»",
        "договор не найден",
    ),
    "malformed contract number": (
        "contracts.csv",
        cell(3, "contract_number", "2345-ЭС"),
        "contracts.csv:3, столбец «contract_number»",
        "не номер договора вида 00000-ЭС",
    ),
    "malformed amount": (
        "payments.csv",
        cell(3, "amount", "39O,46"),
        "payments.csv:3, столбец «amount»",
        "«39O,46» не число",
    ),
    "too many kopecks": (
        "payments.csv",
        cell(4, "amount", "-100,005"),
        "payments.csv:4, столбец «amount»",
        "больше 2 знаков после запятой",
    ),
    "malformed date": (
        "payments.csv",
        cell(2, "payment_date", "31.02.2021"),
        "payments.csv:2, столбец «payment_date»",
        "«31.02.2021» не дата",
    ),
    "date in another style": (
        "meters.csv",
        cell(3, "verification_due", "06/30/2029"),
        "meters.csv:3, столбец «verification_due»",
        "не дата в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД",
    ),
    "wrong INN checksum": (
        "contracts.csv",
        cell(3, "inn", "7456009878"),
        "contracts.csv:3, столбец «inn»",
        "не сходится контрольное число",
    ),
    "wrong KPP": (
        "contracts.csv",
        cell(2, "kpp", "74530100"),
        "contracts.csv:2, столбец «kpp»",
        "КПП состоит из 9 знаков",
    ),
    "company without KPP": (
        "contracts.csv",
        cell(2, "kpp", ""),
        "contracts.csv:2, столбец «kpp»",
        "КПП обязателен",
    ),
    "total is not amount plus VAT": (
        "invoices.csv",
        cell(3, "total", "2144,00"),
        "invoices.csv:3, столбец «total»",
        "всего 2144.00 не равно сумме без НДС 1786.66 и НДС 357.33",
    ),
    "VAT is not the rate of the amount": (
        "invoices.csv",
        lambda h, rows: (
            set_cell(h, rows, 4, "vat_amount", "1082,83"),
            set_cell(h, rows, 4, "total", "6496,95"),
        ),
        "invoices.csv:4, столбец «vat_amount»",
        "НДС 1082.83 не равен 1082.82",
    ),
    "the old rate in 2026": (
        "invoices.csv",
        rate_on_line(6, "20.00"),
        "invoices.csv:6, столбец «vat_rate»",
        "ставка 20.00 % не действует на 31.01.2026 (действует 22.00 %)",
    ),
    "the new rate in 2021": (
        "invoices.csv",
        rate_on_line(2, "22.00"),
        "invoices.csv:2, столбец «vat_rate»",
        "не действует на 31.10.2021 (действует 20.00 %)",
    ),
    "lines of one invoice on different dates": (
        "invoices.csv",
        cell(5, "invoice_date", "29.11.2021"),
        "invoices.csv:5, столбец «invoice_date»",
        "у строк одного счета разная дата (см. строку 4)",
    ),
    "lines of one invoice of different types": (
        "invoices.csv",
        cell(3, "operation_type", "Корректировка"),
        "invoices.csv:3, столбец «operation_type»",
        "у строк одного счета разный тип операции (см. строку 2)",
    ),
    "a line given twice": (
        "invoices.csv",
        repeat_line(9),
        "invoices.csv:14, столбец «line_no»",
        "указана повторно (см. строку 9)",
    ),
    "a payment given twice": (
        "payments.csv",
        repeat_line(2),
        "payments.csv:7, столбец «document_number»",
        "указана повторно (см. строку 2)",
    ),
    "a contract given twice": (
        "contracts.csv",
        repeat_line(2),
        "contracts.csv:5, столбец «contract_number»",
        "договор указан повторно (см. строку 2)",
    ),
    "one organization with two names": (
        "contracts.csv",
        lambda h, rows: (
            repeat_line(3)(h, rows),
            set_cell(h, rows, 5, "contract_number", "45678-ЭС"),
            set_cell(h, rows, 5, "organization_name", "АО «Южный луч»"),
        ),
        "contracts.csv:5, столбец «organization_name»",
        "у организации с этими ИНН и КПП в файле разные реквизиты (см. строку 3)",
    ),
    "a meter given twice": (
        "meters.csv",
        repeat_line(2),
        "meters.csv:5, столбец «serial_number»",
        "прибор учета указан повторно (см. строку 2)",
    ),
    "a reading given twice": (
        "readings.csv",
        repeat_line(2),
        "readings.csv:6, столбец «reading_date»",
        "показания прибора на эту дату указаны повторно (см. строку 2)",
    ),
    "a required value missing": (
        "invoices.csv",
        cell(2, "tariff", ""),
        "invoices.csv:2, столбец «tariff»",
        "не заполнено",
    ),
    "a row short of fields": (
        "invoices.csv",
        short_row,
        "invoices.csv:3: ",
        "в строке 13 полей, в заголовке 15",
    ),
    "unknown resource": (
        "meters.csv",
        cell(2, "resource", "пар"),
        "meters.csv:2, столбец «resource»",
        "ресурс указывается как heat, hot_water",
    ),
    "a meter of another contract": (
        "readings.csv",
        cell(5, "serial_number", "ТС-0001"),
        "readings.csv:5, столбец «serial_number»",
        "у договора нет прибора учета с этим заводским номером",
    ),
    "a reading beyond the display": (
        "readings.csv",
        cell(4, "value", "123456,00"),
        "readings.csv:4, столбец «value»",
        "не помещаются на табло прибора",
    ),
    "a negative reading": (
        "readings.csv",
        cell(2, "value", "-1"),
        "readings.csv:2, столбец «value»",
        "показания не бывают отрицательными",
    ),
}


@pytest.mark.parametrize(("name", "edit", "where", "reason"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_stops_the_run_and_says_where(name, edit, where, reason, tmp_path):
    folder = edited(tmp_path, name, edit)
    with pytest.raises(CommandError) as failure:
        run_import(folder)
    message = str(failure.value)
    assert message.startswith("Ничего не загружено (загрузка №")
    assert where in message
    assert reason in message
    # The error is the only one: the rest of the file is right.
    assert message.count(".csv:") == 1, message
    # Nothing of the run is kept, though the kinds before it had loaded.
    assert not Contract.objects.exists()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert where in run.errors and reason in run.errors
    assert run.finished_at is not None


def test_every_bad_row_is_listed(tmp_path):
    def two_bad(header: list[str], rows: list[list[str]]) -> None:
        set_cell(header, rows, 2, "amount", "много")
        set_cell(header, rows, 5, "payment_date", "вчера")

    with pytest.raises(CommandError) as failure:
        run_import(edited(tmp_path, "payments.csv", two_bad))
    assert "payments.csv:2, столбец «amount»: «много» не число" in str(failure.value)
    assert "payments.csv:5, столбец «payment_date»: «вчера» не дата" in str(failure.value)


def test_a_failed_run_leaves_the_database_as_it_was(tmp_path, sample, contract):
    run_import(sample)
    checksums = table_checksums()

    def change_everything(header: list[str], rows: list[list[str]]) -> None:
        set_cell(header, rows, 2, "organization_name", "ООО «Новое имя»")
        set_cell(header, rows, 2, "email", "new@example.ru")

    folder = edited(tmp_path, "contracts.csv", change_everything)
    edited(folder, "payments.csv", cell(2, "amount", "1,00"))
    edited(folder, "invoices.csv", cell(2, "installation", "Новая установка"))
    # The last kind to load has the bad row: everything before it was written, then undone.
    edited(folder, "readings.csv", cell(5, "reading_date", "32.11.2021"))
    with pytest.raises(CommandError, match=r"readings.csv:5, столбец «reading_date»"):
        run_import(folder)
    assert table_checksums() == checksums
    assert Payment.objects.get(document_number="ПП-101").amount == Decimal("5000.00")


@pytest.mark.parametrize(
    ("header_edit", "reason"),
    [
        (lambda header: header.remove("total"), "не хватает столбцов: total"),
        (lambda header: header.append("comment"), "лишние столбцы: comment"),
        (
            lambda header: header.__setitem__(1, "contract_number"),
            "в заголовке повторяются столбцы: contract_number",
        ),
    ],
    ids=["a column missing", "an extra column", "a column twice"],
)
def test_a_header_of_no_known_kind_is_refused(header_edit, reason, tmp_path):
    header, rows = sample_rows("invoices.csv")
    header_edit(header)
    width = len(header)
    write_csv(tmp_path / "invoices.csv", header, [row[:width] + [""] * (width - len(row)) for row in rows])
    with pytest.raises(CommandError) as failure:
        run_import(tmp_path)
    message = str(failure.value)
    assert "invoices.csv:1: " in message and reason in message
    if "лишние" in reason or "не хватает" in reason:
        assert "ближе всего «начисления» (invoices)" in message
    assert ImportRun.objects.get().state == ImportRun.State.FAILED


def test_a_file_in_neither_encoding_is_refused(tmp_path):
    header, rows = sample_rows("payments.csv")
    write_csv(tmp_path / "payments.csv", header, rows, encoding="cp1251")
    with pytest.raises(CommandError, match=r"payments\.csv:2: текст не читается в кодировке utf-8"):
        run_import(tmp_path, "--encoding", "utf-8")


def test_an_empty_file_and_a_missing_path_are_refused(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(CommandError, match=r"empty\.csv: файл пуст"):
        run_import(tmp_path)
    with pytest.raises(CommandError, match="нет такого файла или папки"):
        run_import(tmp_path / "nowhere")


def test_the_decimal_flag_refuses_the_other_mark(sample):
    with pytest.raises(
        CommandError, match=r"payments\.csv:2, столбец «amount»: «5000,00»: десятичный разделитель"
    ):
        run_import(sample / "payments.csv", "--decimal", ".")
