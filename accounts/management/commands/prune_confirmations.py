from django.core.management.base import BaseCommand

from accounts.registration import confirmations_prune


class Command(BaseCommand):
    help = (
        "Удаляет заявки на регистрацию, ссылка которых истекла без подтверждения, "
        "и SMS-коды старше CONFIRMATION_CODES_KEEP_DAYS дней. Запускать ежедневно."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="только посчитать, ничего не удалять")

    def handle(self, *args, dry_run=False, **options):
        requests, codes = confirmations_prune(dry_run=dry_run)
        verb = "Будет удалено" if dry_run else "Удалено"
        self.stdout.write(f"{verb}: заявок на регистрацию — {requests}, кодов подтверждения — {codes}.")
