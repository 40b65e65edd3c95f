import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.settlements.conftest import MANUAL_PERIOD, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table(sheet, head: str) -> list[list]:
    """The rows from the table head (its first cell `head`) to the end."""
    rows = [list(row) for row in sheet.iter_rows()]
    start = next(index for index, row in enumerate(rows) if row[0].value == head)
    return rows[start:]


def values(rows) -> list[list]:
    return [[cell.value for cell in row] for row in rows]


def test_settlements_workbook_has_real_numbers_and_dates(demo_client):
    response = demo_client.get(reverse("settlements:settlements-xlsx"), MANUAL_PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith(
        'attachment; filename="spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.xlsx"'
    )
    sheet = workbook(response.content)["Взаиморасчеты"]
    assert sheet["A1"].value == "Справка по взаиморасчетам за период с 01.10.2021 по 31.12.2021"
    assert [cell.value for cell in sheet[3]][:2] == ["Номер договора:", "12345-ЭС"]
    rows = table(sheet, "Дата")
    assert values(rows) == [
        ["Дата", "Начислено, р.", "Оплачено, р.", "Тип операции"],
        ["Сальдо на начало периода:", 0, None, None],
        [dt.datetime(2021, 10, 31), 5392.46, None, "Окончательный счет"],
        [dt.datetime(2021, 11, 30), 8088.7, None, "Окончательный счет"],
        ["Итого", 13481.16, 0, None],
        ["Сальдо на конец периода:", 13481.16, None, None],
    ]
    assert rows[2][0].number_format == "DD.MM.YYYY"
    assert rows[2][1].number_format == "#,##0.00"
    assert rows[5][1].number_format == "#,##0.00"


def test_charges_workbook_lists_invoices_and_every_line(demo_client):
    response = demo_client.get(reverse("settlements:charges-xlsx"), MANUAL_PERIOD)
    book = workbook(response.content)
    assert book.sheetnames == ["Начисления", "Детализация"]
    invoices = values(table(book["Начисления"], "Дата"))
    assert invoices[0] == ["Дата", "№", "Сумма, р.", "Сумма НДС, р."]
    assert invoices[1] == [dt.datetime(2021, 10, 31), "ЭРО-202110-12345", 5392.46, 898.74]
    assert invoices[-1] == ["Итого", None, 13481.16, 2246.86]
    lines = table(book["Детализация"], "Дата")
    assert values(lines)[0][2:] == [
        "Установка", "Адрес", "Тариф", "Единица", "Кол-во", "Цена, р.", "Сумма без НДС, р.",
        "Сумма НДС, р.", "Ставка НДС", "Всего, р.", "Вид ставки", "Сумма периода, р.",
    ]  # fmt: skip
    october = lines[1]
    assert [cell.value for cell in october[4:12]] == [
        "Тепловая энергия", "Гкал", 3.32, 1353.53, 4493.72, 898.74, 20, 5392.46,
    ]  # fmt: skip
    assert october[6].number_format == "#,##0.00##"
    assert october[7].number_format == "#,##0.00"
    assert len(lines) == 1 + 3 + 1
    assert values(lines)[-1][0] == "Итого, р.:" and values(lines)[-1][11] == 13481.16


def test_payments_workbook(demo_client):
    response = demo_client.get(
        reverse("settlements:payments-xlsx"), {"start": "25.02.2022", "end": "25.02.2022"}
    )
    assert 'filename="spravka-oplaty-12345-ES-2022-02-25-2022-02-25.xlsx"' in response["Content-Disposition"]
    rows = values(table(workbook(response.content)["Оплаты"], "Дата"))
    assert rows == [
        ["Дата", "Сумма р.", "Вид операции"],
        [dt.datetime(2022, 2, 25), 151.67, "Оплата"],
        ["Итого", 151.67, None],
    ]


def test_cells_keep_every_kopeck_of_large_sums(contract):
    from tests.conftest import client_for, make_invoice

    make_invoice(contract, dt.date(2021, 12, 1), "123456789012.34", vat="1.00", number="ЭРО-БОЛЬШОЙ")
    response = client_for(contract).get(reverse("settlements:settlements-xlsx"), MANUAL_PERIOD)
    cells = [row[1].value for row in table(workbook(response.content).active, "Дата")]
    # openpyxl reads numbers back as float; the written text is the Decimal's.
    assert Decimal(str(cells[-1])) == Decimal("123456802493.50")


def test_text_that_a_spreadsheet_would_run_stays_text(contract):
    """An organization's address typed as a formula (OWASP, CSV injection)
    is a plain string cell shown as typed, never a formula."""
    import io
    import zipfile

    from tests.conftest import client_for

    hostile = '=HYPERLINK("http://evil.example/","Оплатить")'
    organization = contract.organization
    organization.legal_address = hostile
    organization.name = "-2+3"
    organization.save()
    for name in ("settlements:settlements-xlsx", "settlements:charges-xlsx", "settlements:payments-xlsx"):
        content = client_for(contract).get(reverse(name), MANUAL_PERIOD).content
        sheet = workbook(content).active
        cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2, max_row=5)}
        for label, typed in (("Юридический адрес:", hostile), ("Наименование контрагента:", "-2+3")):
            cell = cells[label]
            assert (cell.value, cell.data_type, cell.quotePrefix) == (typed, "s", True)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in xml for xml in sheets)
