from django.core.management.base import BaseCommand

from accounts.registration import confirmations_prune


class Command(BaseCommand):
    help = (
        "Deletes registration requests whose confirmation link expired unconfirmed "
        "and SMS confirmation codes older than CONFIRMATION_CODES_KEEP_DAYS. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run=False, **options):
        requests, codes = confirmations_prune(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb}: {requests} registration requests, {codes} confirmation codes")
