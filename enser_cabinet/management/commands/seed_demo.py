import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Contract, User
from enser_cabinet.demo.bank import demo_supplier_bank_seed
from enser_cabinet.demo.customers import (
    DEMO_ACCOUNTANT_EMAIL,
    DEMO_PASSWORD,
    DEMO_STAFF_PASSWORD,
    DEMO_STAFF_USERNAME,
    demo_customers_seed,
    demo_organization_seed,
)
from enser_cabinet.demo.journal import demo_journal_seed
from enser_cabinet.demo.ledger import demo_extra_payment_seed, demo_ledger_seed
from enser_cabinet.demo.meters import demo_meters_seed
from enser_cabinet.demo.notices import demo_notices_seed


class Command(BaseCommand):
    help = (
        "Загружает демо-клиентов, их начисления, оплаты и показания по текущий месяц. "
        "Повторный запуск ничего не меняет."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        registered, unregistered = demo_customers_seed()
        second = demo_organization_seed(registered=registered)
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
        # The second building of ООО «Тепломонтаж»: heat and hot water since June 2022.
        more_invoices, more_payments = demo_ledger_seed(
            contract=second,
            first_month=dt.date(2022, 6, 1),
            today=today,
            payment_lag_months=2,
            payment_day=20,
            address="г. Миасс, ул. Октябрьская, д. 5, склад",
        )
        invoices += more_invoices
        payments += more_payments
        self.stdout.write(f"Создано начислений: {invoices}, оплат: {payments}.")
        self.stdout.write(demo_meters_seed(contracts=[registered, second, unregistered], today=today))
        demo_supplier_bank_seed()
        written = demo_journal_seed(
            registered=registered, second=second, accountant_email=DEMO_ACCOUNTANT_EMAIL, now=timezone.now()
        )
        self.stdout.write(f"Записей журнала действий: {written}.")
        self.stdout.write(demo_notices_seed(contracts=[registered, second], today=today))
        self.stdout.write("Демо-входы:\n" + "\n".join(demo_sign_ins(registered, unregistered)))


def demo_sign_ins(registered: Contract, unregistered: Contract) -> list[str]:
    """The demo sign-ins, each secret printed only while it still works: a
    demo password changed in the cabinet or admin is not shown as if it did."""
    user = User.objects.filter(contract=registered).first()
    if registered.is_registered and user is not None and user.check_password(DEMO_PASSWORD):
        lines = [f"  {registered.number}, пароль {DEMO_PASSWORD} (зарегистрирован)"]
    else:
        lines = [f"  {registered.number}: демо-пароль изменен или договор снова не зарегистрирован"]
    accountant = User.objects.filter(username=DEMO_ACCOUNTANT_EMAIL, is_active=True).first()
    if accountant is not None and accountant.check_password(DEMO_PASSWORD):
        lines.append(
            f"  {DEMO_ACCOUNTANT_EMAIL}, пароль {DEMO_PASSWORD} "
            "(Бухгалтер по 12345-ЭС и 12346-ЭС, вход по e-mail)"
        )
    else:
        lines.append(f"  {DEMO_ACCOUNTANT_EMAIL}: демо-пароль изменен")
    number, inn = unregistered.number, unregistered.organization.inn
    if unregistered.is_registered:
        lines.append(f"  {number}: уже зарегистрирован, вход по паролю, заданному при регистрации")
    else:
        lines.append(f"  {number}, ИНН {inn} (первый вход, регистрация)")
    staff = User.objects.filter(username=DEMO_STAFF_USERNAME).first()
    if staff is not None and staff.check_password(DEMO_STAFF_PASSWORD):
        lines.append(
            f"  администрирование /admin/: {DEMO_STAFF_USERNAME} / {DEMO_STAFF_PASSWORD}, затем код "
            "из приложения-аутентификатора (при первом входе: подключение по QR-коду или ключу)"
        )
    else:
        lines.append(f"  администрирование /admin/: {DEMO_STAFF_USERNAME}, пароль изменен")
    return lines
