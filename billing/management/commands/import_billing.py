"""manage.py import_billing PATH...: loads billing's nightly export."""

import shlex
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.loader import MAX_ERRORS_SHOWN, SUMMARY_TITLES, ImportFailed, billing_import, summary_lines
from billing.reader import KINDS_BY_NAME, Formats


class Command(BaseCommand):
    help = (
        "Загружает выгрузку биллинга (договоры, приборы учета, начисления, оплаты, показания) "
        "из CSV-файлов или папок: все или ничего, повторная загрузка тех же файлов ничего не меняет. "
        "Формат: docs/import-format.md."
    )
    # A nightly command: its start-up is part of every load, and the
    # project's system checks are run by deploys and tests, not by it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="файлы или папки с файлами")
        parser.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывать")
        parser.add_argument(
            "--skip-bad",
            action="store_true",
            help="загрузить все, кроме строк с ошибками (их список — в файле --report)",
        )
        parser.add_argument("--report", metavar="FILE", help="CSV-файл для строк, пропущенных с --skip-bad")
        parser.add_argument(
            "--no-wait", action="store_true", help="не ждать, если идет другая загрузка, а сразу отказаться"
        )
        parser.add_argument("--quiet", action="store_true", help="без индикатора хода загрузки")
        parser.add_argument(
            "--encoding", help="кодировка файлов (по умолчанию определяется: utf-8 или cp1251)"
        )
        parser.add_argument(
            "--delimiter", choices=[";", ","], help="разделитель полей (по умолчанию по заголовку)"
        )
        parser.add_argument(
            "--decimal", choices=[",", "."], help="десятичный разделитель (по умолчанию любой)"
        )
        parser.add_argument(
            "--date-format",
            help="формат дат для strptime, например %%d.%%m.%%Y (по умолчанию ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] and not options["skip_bad"]:
            raise CommandError("--report пишется только вместе с --skip-bad.")
        formats = Formats(
            encoding=options["encoding"],
            delimiter=options["delimiter"],
            decimal=options["decimal"],
            date_format=options["date_format"],
        )
        show_progress = not options["quiet"] and self.stderr.isatty()
        try:
            result = billing_import(
                options["paths"],
                dry_run=options["dry_run"],
                skip_bad=options["skip_bad"],
                wait=not options["no_wait"],
                report_path=options["report"],
                progress=self.progress if show_progress else None,
                command=self.command_text(options),
                formats=formats,
            )
        except ImportFailed as failure:
            if show_progress:
                self.stderr.write("")
            lines = [str(error) for error in failure.errors[:MAX_ERRORS_SHOWN]]
            if failure.total > len(lines):
                lines.append(f"… и еще ошибок: {failure.total - len(lines)}")
            run = f" (загрузка № {failure.run.pk})" if failure.run else ""
            raise CommandError(f"Ничего не загружено{run}:\n" + "\n".join(lines)) from None
        if show_progress:
            self.stderr.write("")
        title = "Проверка без записи" if result.dry_run else "Загружено"
        self.stdout.write(f"{title} (загрузка № {result.run.pk}):")
        for line in summary_lines(result.counts):
            self.stdout.write(line)
        if result.skipped_rows:
            where = f", список в {options['report']}" if options["report"] else ""
            self.stdout.write(f"Пропущено строк с ошибками: {result.skipped_rows}{where}.")
        if result.invoices_paid:
            self.stdout.write(f"Счетов на оплату отмечено оплаченными: {result.invoices_paid}.")
        if result.dry_run:
            self.stdout.write("Ничего не записано: это была проверка (--dry-run).")
        if options["verbosity"] >= 2:
            for kind, phases in result.phases.items():
                self.stdout.write(
                    f"{SUMMARY_TITLES[kind]}, с: чтение {phases['stage']:.1f}, "
                    f"проверки {phases['check']:.1f}, запись {phases['write']:.1f}"
                )
            self.stdout.write(f"фиксация транзакции, с: {result.commit_seconds:.1f}")

    @staticmethod
    def command_text(options: dict[str, Any]) -> str:
        """The command line as ops typed it (or, from call_command, its paths)."""
        if sys.argv[1:2] == ["import_billing"]:
            return shlex.join(["manage.py", *sys.argv[1:]])
        return shlex.join(["manage.py", "import_billing", *map(str, options["paths"])])

    def progress(self, kind: str, name: str, rows: int) -> None:
        title = KINDS_BY_NAME[kind].title
        self.stderr.write(f"\r{title}: {name}, строк: {rows}", ending="")
        self.stderr.flush()
