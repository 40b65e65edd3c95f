"""Excel copies of the three tables: real numbers and dates in the cells, shown
as the page shows them (13 481,16 and 31.10.2021 in a Russian Excel)."""

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from enser_cabinet.spreadsheets import looks_like_formula
from settlements.ledger import ChargesStatement, PaymentsStatement, SettlementsStatement, Statement

MONEY_FORMAT = "#,##0.00"
QUANTITY_FORMAT = "#,##0.00##"
DATE_FORMAT = "DD.MM.YYYY"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E7EEF6")

LINE_HEADERS = [
    "Установка",
    "Адрес",
    "Тариф",
    "Единица",
    "Кол-во",
    "Цена, р.",
    "Сумма без НДС, р.",
    "Сумма НДС, р.",
    "Ставка НДС",
    "Всего, р.",
    "Вид ставки",
    "Сумма периода, р.",
]


class Sheet:
    """A title with the customer's requisites, then one table."""

    def __init__(self, sheet: Worksheet, *, title: str, statement: Statement, widths: Sequence[int]) -> None:
        self.sheet = sheet
        organization = statement.contract.organization
        period = statement.period
        self.append([f"{title} за период с {period.start:%d.%m.%Y} по {period.end:%d.%m.%Y}"])
        sheet["A1"].font = Font(bold=True, size=13)
        for label, value in (
            ("ИНН юридического лица:", organization.inn),
            ("Номер договора:", statement.contract.number),
            ("Наименование контрагента:", organization.name),
            ("Юридический адрес:", organization.legal_address),
        ):
            self.append([label, value])
        self.append([])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    def append(self, values: Sequence) -> None:
        """A row; text that a spreadsheet would run as a formula stays text."""
        self.sheet.append(list(values))
        for cell in self.sheet[self.sheet.max_row]:
            if looks_like_formula(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True

    def head(self, titles: Iterable[str]) -> None:
        self.append(titles)
        for cell in self.sheet[self.sheet.max_row]:
            cell.font = BOLD
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.sheet.freeze_panes = f"A{self.sheet.max_row + 1}"

    def row(self, values: Sequence, *, bold: bool = False, formats: dict[int, str] | None = None) -> None:
        self.append(values)
        for cell in self.sheet[self.sheet.max_row]:
            value = cell.value
            if formats and cell.column in formats:
                cell.number_format = formats[cell.column]
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif hasattr(value, "year"):
                cell.number_format = DATE_FORMAT
            if bold:
                cell.font = BOLD


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def settlements_statement_xlsx(*, statement: SettlementsStatement) -> bytes:
    workbook = Workbook()
    sheet = Sheet(
        workbook.active, title="Справка по взаиморасчетам", statement=statement, widths=[26, 18, 18, 40]
    )
    workbook.active.title = "Взаиморасчеты"
    sheet.head(["Дата", "Начислено, р.", "Оплачено, р.", "Тип операции"])
    sheet.row(["Сальдо на начало периода:", statement.opening], bold=True)
    for row in statement.rows:
        sheet.row([row.date, row.charged, row.paid, row.operation_type])
    sheet.row(["Итого", statement.charged, statement.paid], bold=True)
    sheet.row(["Сальдо на конец периода:", statement.closing], bold=True)
    return _bytes(workbook)


def charges_statement_xlsx(*, statement: ChargesStatement) -> bytes:
    """The invoices on one sheet, every line of them on a second."""
    workbook = Workbook()
    invoices = Sheet(workbook.active, title="Начисления", statement=statement, widths=[26, 24, 16, 16])
    workbook.active.title = "Начисления"
    invoices.head(["Дата", "№", "Сумма, р.", "Сумма НДС, р."])
    for item in statement.invoices:
        invoices.row([item.invoice.date, item.invoice.number, item.invoice.amount, item.invoice.vat_amount])
    invoices.row(["Итого", None, statement.amount, statement.vat_amount], bold=True)

    lines = Sheet(
        workbook.create_sheet("Детализация"),
        title="Справка по начислениям",
        statement=statement,
        widths=[26, 22, 36, 40, 24, 9, 10, 12, 14, 14, 10, 14, 14, 14],
    )
    lines.head(["Дата", "№", *LINE_HEADERS])
    # Column 7 is the quantity, kept to the digits billing measured.
    formats = {7: QUANTITY_FORMAT}
    for item in statement.invoices:
        for line in item.lines:
            lines.row(
                [
                    item.invoice.date,
                    item.invoice.number,
                    line.installation,
                    line.address,
                    line.tariff,
                    line.unit,
                    line.quantity,
                    line.price,
                    line.amount,
                    line.vat_amount,
                    line.vat_rate,
                    line.total,
                    line.rate_kind,
                    line.period_amount,
                ],
                formats=formats,
            )
    lines.row(["Итого, р.:", *[None] * 8, statement.vat_amount, None, statement.amount], bold=True)
    return _bytes(workbook)


def payments_statement_xlsx(*, statement: PaymentsStatement) -> bytes:
    workbook = Workbook()
    sheet = Sheet(workbook.active, title="Оплаты", statement=statement, widths=[26, 18, 30])
    workbook.active.title = "Оплаты"
    sheet.head(["Дата", "Сумма р.", "Вид операции"])
    for payment in statement.payments:
        sheet.row([payment.date, payment.amount, payment.operation_type])
    sheet.row(["Итого", statement.total], bold=True)
    return _bytes(workbook)
