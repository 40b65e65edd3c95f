"""Demo customers and the demo staff account. Demo passwords only."""

import datetime as dt

from django.db import transaction

from accounts.models import Contract, Membership, Organization, User
from accounts.roles import Role

DEMO_PASSWORD = "Enser-2021"  # noqa: S105 (demo data, printed by make run)
DEMO_STAFF_USERNAME = "admin"
DEMO_STAFF_PASSWORD = "Enser-admin-2021"  # noqa: S105 (demo data)
DEMO_SECOND_NUMBER = "12346-ЭС"
DEMO_ACCOUNTANT_EMAIL = "glavbuh@teplomontazh.example"


@transaction.atomic
def demo_customers_seed() -> tuple[Contract, Contract]:
    """ООО «Тепломонтаж» (registered) and ООО «Уралтехсервис» (not yet)."""
    teplomontazh, _ = Organization.objects.get_or_create(
        inn="7453012342",
        kpp="745301001",
        defaults={
            "name": "ООО «Тепломонтаж»",
            "legal_address": "456300, Челябинская обл., г. Миасс, ул. Калинина, д. 12, оф. 3",
            "postal_address": "456300, Челябинская обл., г. Миасс, а/я 41",
        },
    )
    registered, _ = Contract.objects.get_or_create(
        number="12345-ЭС",
        defaults={
            "organization": teplomontazh,
            "signed_on": dt.date(2021, 9, 27),
            "registered_at": dt.datetime(2021, 10, 4, 9, 30, tzinfo=dt.UTC),
            "registration_method": Contract.RegistrationMethod.EMAIL,
        },
    )
    if not User.objects.filter(contract=registered).exists():
        user = User(
            username=registered.number,
            contract=registered,
            email="buh@teplomontazh.example",
            phone="+79025550112",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    # As registration makes it: the contract's first administrator.
    for user in User.objects.filter(contract=registered):
        Membership.objects.get_or_create(user=user, contract=registered, defaults={"role": Role.ADMIN})

    uraltechservice, _ = Organization.objects.get_or_create(
        inn="7456009877",
        kpp="745601001",
        defaults={
            "name": "ООО «Уралтехсервис»",
            "legal_address": "456318, Челябинская обл., г. Миасс, пр. Автозаводцев, д. 44",
            "postal_address": "456318, Челябинская обл., г. Миасс, пр. Автозаводцев, д. 44",
        },
    )
    unregistered, _ = Contract.objects.get_or_create(
        number="54321-ЭС",
        defaults={"organization": uraltechservice, "signed_on": dt.date(2023, 3, 1)},
    )

    if not User.objects.filter(username=DEMO_STAFF_USERNAME).exists():
        User.objects.create_superuser(
            username=DEMO_STAFF_USERNAME,
            email="lk-admin@rm-enser.example",
            password=DEMO_STAFF_PASSWORD,
        )
    return registered, unregistered


@transaction.atomic
def demo_organization_seed(*, registered: Contract) -> Contract:
    """ООО «Тепломонтаж»'s second building, 12346-ЭС, under the administrator
    of 12345-ЭС, and its chief accountant, who signs in by e-mail and is
    Бухгалтер on both contracts."""
    second, _ = Contract.objects.get_or_create(
        number=DEMO_SECOND_NUMBER,
        defaults={
            "organization": registered.organization,
            "signed_on": dt.date(2022, 6, 1),
            "registered_at": dt.datetime(2022, 6, 6, 11, 0, tzinfo=dt.UTC),
            "registration_method": Contract.RegistrationMethod.EMAIL,
        },
    )
    administrator = User.objects.filter(contract=registered).first()
    if administrator is not None:
        Membership.objects.get_or_create(user=administrator, contract=second, defaults={"role": Role.ADMIN})
    accountant = User.objects.filter(username=DEMO_ACCOUNTANT_EMAIL).first()
    if accountant is None:
        accountant = User(
            username=DEMO_ACCOUNTANT_EMAIL,
            email=DEMO_ACCOUNTANT_EMAIL,
            first_name="Ольга",
            last_name="Миронова",
            phone="+79025550177",
        )
        accountant.set_password(DEMO_PASSWORD)
        accountant.save()
    for contract in (registered, second):
        Membership.objects.get_or_create(
            user=accountant,
            contract=contract,
            defaults={"role": Role.ACCOUNTANT, "created_by": administrator},
        )
    return second
