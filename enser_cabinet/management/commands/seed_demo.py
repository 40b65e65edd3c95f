import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from enser_cabinet.demo.customers import (
    DEMO_PASSWORD,
    DEMO_STAFF_PASSWORD,
    DEMO_STAFF_USERNAME,
    demo_customers_seed,
)
from enser_cabinet.demo.ledger import demo_extra_payment_seed, demo_ledger_seed
from enser_cabinet.demo.meters import demo_meters_seed


class Command(BaseCommand):
    help = (
        "Загружает демо-клиентов, их начисления, оплаты и показания по текущий месяц. "
        "Повторный запуск ничего не меняет."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        registered, unregistered = demo_customers_seed()
        invoices, payments = demo_ledger_seed(
            contract=registered,
            first_month=dt.date(2021, 10, 1),
            today=today,
            payment_lag_months=3,
            payment_day=18,
            address="г. Миасс, ул. Калинина, д. 12, пом. 3",
        )
        payments += demo_extra_payment_seed(
            contract=registered,
            date=dt.date(2022, 2, 25),
            amount=Decimal("151.67"),
            document="ПП-20220225-12345",
        )
        more_invoices, more_payments = demo_ledger_seed(
            contract=unregistered,
            first_month=dt.date(2023, 3, 1),
            today=today,
            payment_lag_months=1,
            payment_day=15,
            address="г. Миасс, пр. Автозаводцев, д. 44, пом. 1",
        )
        invoices += more_invoices
        payments += more_payments
        self.stdout.write(f"Создано начислений: {invoices}, оплат: {payments}.")
        self.stdout.write(demo_meters_seed(contracts=[registered, unregistered], today=today))
        self.stdout.write(
            "Демо-входы:\n"
            f"  12345-ЭС, пароль {DEMO_PASSWORD} (зарегистрирован)\n"
            f"  54321-ЭС, ИНН 7456009877 (первый вход, регистрация)\n"
            f"  администрирование /admin/: {DEMO_STAFF_USERNAME} / {DEMO_STAFF_PASSWORD}"
        )
