""" "Реквизиты и контакты" is drawn once and then read whole from the cache
until what it shows changes: the contacts and the organization's bank
account (their triggers raise the contract's data_version, whoever writes),
the supplier's bank account (read on each request), the person's role. A
kept page reads the user and the supplier's account only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import ContactPerson, Contract
from accounts.roles import Role
from paydocs.models import CustomerBankAccount, SupplierBankAccount
from tests.conftest import client_for, make_contract, make_person, person_client
from tests.paydocs.conftest import SUPPLIER_BANK
from tests.settlements.test_page_cache import without_token

pytestmark = pytest.mark.django_db

REQUISITES = reverse("accounts:requisites")
EDIT = reverse("accounts:contacts-edit")
PLEASE = "Пожалуйста, заполните информацию о контактах."


def tables(client) -> list[str]:
    """The tables the page read beyond the user and the supplier's account."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REQUISITES)
    assert response.status_code == 200
    return [
        q["sql"].split(" FROM ")[1].split()[0]
        for q in queries
        if " FROM " in q["sql"]
        and not q["sql"].startswith('SELECT "accounts_user"')
        and '"paydocs_supplierbankaccount"."id" AS "pk"' not in q["sql"]
    ]


def test_a_kept_page_reads_the_user_and_the_suppliers_account_only(
    customer_client, contract, django_assert_num_queries
):
    SupplierBankAccount.objects.create(**SUPPLIER_BANK)
    ContactPerson.objects.create(contract=contract, position="head", full_name="Петров Петр Петрович")
    first = customer_client.get(REQUISITES)
    assertContains(first, "Петров Петр Петрович")
    assertContains(first, SUPPLIER_BANK["account"])
    with django_assert_num_queries(2):
        again = customer_client.get(REQUISITES)
    assert without_token(again.content) == without_token(first.content)


def test_contacts_written_anywhere_show_on_the_next_request(customer_client, contract):
    assertContains(customer_client.get(REQUISITES), PLEASE)
    assert tables(customer_client) == []
    # As admin writes: the model, no cabinet code.
    head = ContactPerson.objects.create(contract=contract, position="head", full_name="Петров Петр Петрович")
    page = customer_client.get(REQUISITES)
    assertContains(page, "Петров Петр Петрович")
    assertNotContains(page, PLEASE)
    ContactPerson.objects.filter(pk=head.pk).update(full_name="Иванов Иван Иванович")
    assertContains(customer_client.get(REQUISITES), "Иванов Иван Иванович")
    head.delete()
    page = customer_client.get(REQUISITES)
    assertNotContains(page, "Иванов Иван Иванович")
    assertContains(page, PLEASE)


def test_the_organizations_account_shows_on_each_of_its_contracts_at_once(contract):
    second = make_contract(number="12346-ЭС")
    stranger = make_contract(number="99999-ЭС", inn="7702070139", kpp="770201001", name="ООО «Чужая»")
    clients = [client_for(contract), client_for(second)]
    for client in clients:
        assertContains(client.get(REQUISITES), "Указать расчетный счет")
    stranger_version = Contract.objects.get(pk=stranger.pk).data_version

    account = CustomerBankAccount.objects.create(
        organization=contract.organization, account="40702810672000012345", bik="047501602"
    )
    for client in clients:
        page = client.get(REQUISITES)
        assertContains(page, "40702810672000012345")
        assertContains(page, "Изменить расчетный счет")
    CustomerBankAccount.objects.filter(pk=account.pk).update(account="40702810972000054321")
    for client in clients:
        assertContains(client.get(REQUISITES), "40702810972000054321")
    account.delete()
    for client in clients:
        page = client.get(REQUISITES)
        assertNotContains(page, "40702810972000054321")
        assertContains(page, "Указать расчетный счет")
    # Another organization's pages stay kept.
    assert Contract.objects.get(pk=stranger.pk).data_version == stranger_version


def test_the_suppliers_account_changed_by_staff_shows_on_the_next_request(customer_client, admin_client):
    supplier = SupplierBankAccount.objects.create(**SUPPLIER_BANK)
    assertContains(customer_client.get(REQUISITES), SUPPLIER_BANK["account"])
    # Through admin, as staff do.
    changed = {**SUPPLIER_BANK, "account": "40702810172000067890"}
    url = reverse("admin:paydocs_supplierbankaccount_change", args=[supplier.pk])
    assert admin_client.post(url, changed).status_code == 302
    page = customer_client.get(REQUISITES)
    assertContains(page, "40702810172000067890")
    assertNotContains(page, SUPPLIER_BANK["account"])
    # A queryset update does not move updated_at: the key holds what is shown.
    SupplierBankAccount.objects.filter(pk=supplier.pk).update(bank_name="ПАО «БАНК»")
    assertContains(customer_client.get(REQUISITES), "ПАО «БАНК»")
    SupplierBankAccount.objects.all().delete()
    assertNotContains(customer_client.get(REQUISITES), "Реквизиты для оплаты АО «ЭнСер»")


def test_each_role_keeps_its_own_buttons(contract):
    viewer = make_person(email="viewer@teplomontazh.example", roles={contract: Role.VIEWER})
    admin = client_for(contract)
    their = person_client(viewer, contract=contract)
    appeal = f'<a href="{reverse("appeals:new")}">оформите обращение</a>'
    for _ in range(2):  # drawn, then kept
        page = admin.get(REQUISITES)
        assertContains(page, "Заполнить контакты")
        assertContains(page, appeal)
        page = their.get(REQUISITES)
        assertNotContains(page, "Заполнить контакты")
        assertNotContains(page, appeal)
        assertContains(page, "Просмотр")


def test_the_saved_message_shows_once_on_the_kept_page(customer_client, contract):
    customer_client.get(REQUISITES)  # kept
    customer_client.post(
        EDIT,
        {
            "head-full_name": "Петров Петр Петрович",
            "head-phone": "",
            "head-email": "director@teplo.ru",
            **{f"{p}-{f}": "" for p in ["engineer", "accountant"] for f in ["full_name", "phone", "email"]},
        },
    )
    page = customer_client.get(REQUISITES)
    assertContains(page, "Контакты сохранены.")
    assertContains(page, "Петров Петр Петрович")
    again = customer_client.get(REQUISITES)
    assertNotContains(again, "Контакты сохранены.")
    assertContains(again, "Петров Петр Петрович")
