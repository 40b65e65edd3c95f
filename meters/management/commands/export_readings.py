import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meters.export import ENCODINGS, ExportError, parse_period, readings_export


class Command(BaseCommand):
    help = (
        "Выгружает принятые показания за месяц в CSV для биллинга: по строке на прибор учета "
        "(последние показания месяца и расход за месяц). UTF-8 и «,» по умолчанию; "
        "--encoding cp1251 --delimiter ';' для систем, которые ждут Windows-1251 "
        "(при разделителе, отличном от «,», числа пишутся с десятичной запятой)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in handle(), not by argparse, whose own errors are English.
        parser.add_argument("--period", help="месяц в виде ГГГГ-ММ, например 2026-10 (обязательно)")
        parser.add_argument("--output", help="файл CSV; без него — в стандартный вывод")
        parser.add_argument(
            "--encoding",
            default="utf-8",
            help=f"кодировка файла: {' или '.join(ENCODINGS)} (по умолчанию utf-8)",
        )
        parser.add_argument("--delimiter", default=",", help="разделитель полей, один знак (по умолчанию ,)")

    def handle(
        self, *args, period: str | None, output: str | None, encoding: str, delimiter: str, **options
    ) -> None:
        buffer = io.BytesIO()
        try:
            if not period:
                raise ExportError("Укажите месяц выгрузки: --period ГГГГ-ММ, например 2026-10.")
            month = parse_period(period)
            if output and not Path(output).parent.is_dir():
                raise ExportError(f"Папки {Path(output).parent} нет: файл выгрузки негде создать.")
            counts = readings_export(period=month, out=buffer, encoding=encoding, delimiter=delimiter)
        except ExportError as error:
            raise CommandError(str(error)) from error
        data = buffer.getvalue()
        if output:
            # Written whole or not at all: billing never picks up half a file.
            partial = Path(f"{output}.part")
            partial.write_bytes(data)
            partial.replace(output)
            report = self.stdout
        else:
            stream = self.stdout._out
            if hasattr(stream, "buffer"):
                stream.buffer.write(data)
                stream.buffer.flush()
            else:
                stream.write(data.decode(encoding))
            # The CSV took standard output; the counts go to standard error.
            report = self.stderr
        report.write(
            f"Период {month:%Y-%m}: выгружено строк (приборов учета) {counts.rows}, "
            f"принятых показаний {counts.readings}, договоров {counts.contracts}; "
            f"на проверке, не выгружено: {counts.on_review}; "
            f"приборов в работе без показаний за период: {counts.without_reading}."
            + (f" Файл: {output}" if output else "")
        )
