import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.activation import activation_codes_for_billing
from accounts.models import Contract
from accounts.validators import normalize_contract_number


class Command(BaseCommand):
    help = (
        "Выдает коды активации (REGISTRATION_REQUIRES_CODE) незарегистрированным договорам и пишет "
        "их в CSV для биллинга, который печатает код в счете: «номер договора;код». Прежние коды "
        "этих договоров перестают действовать. Коды хранятся только в виде хеша: файл — единственная копия."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "numbers", nargs="*", help="номера договоров (по умолчанию все незарегистрированные)"
        )
        parser.add_argument("--output", help="файл CSV (по умолчанию — стандартный вывод)")
        parser.add_argument("--dry-run", action="store_true", help="только посчитать, кодов не выдавать")

    def handle(self, *args, numbers=(), output=None, dry_run=False, **options):
        chosen = None
        if numbers:
            chosen = [normalize_contract_number(number) for number in numbers]
            if None in chosen:
                raise CommandError("Номер договора указывается в формате 00000-ЭС.")
        if dry_run:
            contracts = Contract.objects.filter(registered_at__isnull=True)
            count = (contracts.filter(number__in=chosen) if chosen else contracts).count()
            self.stderr.write(f"Будет выдано кодов: {count}.")
            return
        pairs = activation_codes_for_billing(numbers=chosen)
        handle = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["number", "activation_code"])
            writer.writerows(pairs)
        finally:
            if output:
                handle.close()
        self.stderr.write(f"Выдано кодов: {len(pairs)}.")
