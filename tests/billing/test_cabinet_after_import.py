"""After an import the cabinet is right: balances and statements agree with
sums taken from the files themselves, the pages' query counts do not grow
with the history, and what the customer owns is as they left it."""

import csv
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import ContactPerson, Contract, Membership, User
from accounts.roles import Role
from meters.models import Meter, Reading
from tests.billing.conftest import DATA, run_import, sample_rows, summary, write_csv
from tests.conftest import PASSWORD, client_for, make_contract
from tests.settlements.conftest import html, pdf_text, workbook

pytestmark = pytest.mark.django_db

HOME = reverse("cabinet:home")
SETTLEMENTS = reverse("settlements:settlements")


def rub(value: Decimal) -> str:
    """As the pages print money, non-breaking spaces read as spaces."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def file_sums(contract: str, *, start: dt.date, end: dt.date) -> tuple[Decimal, Decimal]:
    """Charged and paid within the days, read from the sample files with csv and Decimal alone."""

    def within(text: str) -> bool:
        return start <= dt.datetime.strptime(text, "%d.%m.%Y").date() <= end

    with (DATA / "invoices.csv").open(encoding="utf-8") as stream:
        charged = sum(
            (
                Decimal(row["total"].replace(",", "."))
                for row in csv.DictReader(stream, delimiter=";")
                if row["contract_number"] == contract and within(row["invoice_date"])
            ),
            Decimal(0),
        )
    with (DATA / "payments.csv").open(encoding="utf-8") as stream:
        paid = sum(
            (
                Decimal(row["amount"].replace(",", "."))
                for row in csv.DictReader(stream, delimiter=";")
                if row["contract_number"] == contract and within(row["payment_date"])
            ),
            Decimal(0),
        )
    return charged, paid


@pytest.fixture
def customer(clock) -> Contract:
    """12345-ЭС registered in the cabinet before billing's first export, with
    contacts the customer entered and a reading sent from the cabinet."""
    clock.set_local(dt.date(2026, 3, 1))
    contract = make_contract(number="12345-ЭС", inn="7453012342", kpp="745301001", name="Тепломонтаж")
    user = contract.user
    user.phone = "+79120000001"
    user.save()
    ContactPerson.objects.create(
        contract=contract,
        position=ContactPerson.Position.CHIEF_ACCOUNTANT,
        full_name="Иванова Мария Петровна",
        phone="+79120000002",
        email="ivanova@example.ru",
    )
    return contract


def test_balance_and_statement_agree_with_the_files(customer, sample):
    run_import(sample)
    client = client_for(customer)

    charged, paid = file_sums("12345-ЭС", start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1))
    assert charged - paid > 0
    debt = rub(charged - paid).replace(" ", "\u00a0")
    assertContains(client.get(HOME), f'Задолженность <span class="amount">{debt}&nbsp;₽</span>')

    period = {"start": "01.11.2021", "end": "31.12.2021"}
    opening_charged, opening_paid = file_sums(
        "12345-ЭС", start=dt.date(2000, 1, 1), end=dt.date(2021, 10, 31)
    )
    charged, paid = file_sums("12345-ЭС", start=dt.date(2021, 11, 1), end=dt.date(2021, 12, 31))
    page = html(client.get(SETTLEMENTS, period))
    opening = page.split("Сальдо на начало периода:", 1)[1].split("</tr>", 1)[0]
    assert rub(opening_charged - opening_paid) in opening
    totals = page.split("Итого", 1)[1]
    total_row, closing = totals.split("Сальдо на конец периода:", 1)
    assert rub(charged) in total_row and rub(paid) in total_row
    assert rub(opening_charged - opening_paid + charged - paid) in closing.split("</tr>", 1)[0]
    # The return of 100,00 is a negative payment, as billing sent it.
    assert "-100,00" in page or "−100,00" in page


def test_a_reimport_leaves_what_the_customer_owns(customer, sample):
    password_hash = customer.user.password
    registered = (customer.registered_at, customer.registration_method)
    contacts = list(ContactPerson.objects.values())
    run_import(sample / "contracts.csv", sample / "meters.csv")
    meter = Meter.objects.get(serial_number="ТС-0001")
    own = Reading.objects.create(
        meter=meter,
        value=Decimal("1383.000"),
        reading_date=dt.date(2021, 11, 25),
        submitted_at=dt.datetime(2021, 11, 25, 10, tzinfo=dt.UTC),
        submitted_by=customer.user,
        source=Reading.Source.CABINET,
        status=Reading.Status.ACCEPTED,
    )
    for _ in range(2):
        run_import(sample)

    customer.refresh_from_db()
    user = User.objects.get(pk=customer.user.pk)
    assert (customer.registered_at, customer.registration_method) == registered
    assert user.password == password_hash and user.check_password(PASSWORD)
    assert (user.email, user.phone.as_e164) == ("buh@example.ru", "+79120000001")
    assert list(ContactPerson.objects.values()) == contacts
    # Billing's contacts sit beside them, in fields of their own.
    assert (customer.billing_email, customer.billing_phone) == ("buh@teplomontazh.ru", "+7 (3513) 55-12-34")
    # The customer's reading stands as sent; billing's control reading of the day sits beside it.
    own_after = Reading.objects.get(pk=own.pk)
    assert (own_after.value, own_after.source, own_after.submitted_by) == (
        own.value,
        "cabinet",
        customer.user,
    )
    assert set(
        Reading.objects.filter(meter=meter, reading_date=dt.date(2021, 11, 25)).values_list("source", "value")
    ) == {
        ("cabinet", Decimal("1383.0000")),
        ("import", Decimal("1383.7250")),
    }


def test_a_reading_the_customer_already_sent_is_not_doubled(customer, sample, tmp_path):
    run_import(sample / "contracts.csv", sample / "meters.csv")
    meter = Meter.objects.get(serial_number="ТС-0001")
    Reading.objects.create(
        meter=meter,
        value=Decimal("1383.725"),
        reading_date=dt.date(2021, 11, 25),
        submitted_at=dt.datetime(2021, 11, 25, 10, tzinfo=dt.UTC),
        source=Reading.Source.CABINET,
        status=Reading.Status.ACCEPTED,
    )
    counts = summary(run_import(sample / "readings.csv"))
    assert counts["показания"] == (3, 0, 1, 0)
    assert list(
        Reading.objects.filter(meter=meter, reading_date=dt.date(2021, 11, 25)).values_list("source")
    ) == [("cabinet",)]


def many_invoices(folder, months: int):
    """ЭРО-1 … for 12345-ЭС, one a month with two lines, and ЭРО-20 of 34567-ЭС alone."""
    header, rows = sample_rows("invoices.csv")
    template = [row for row in rows if row[1] == "ЭРО-1"]
    others = [row for row in rows if row[0] == "34567-ЭС"]
    out = []
    for n in range(months):
        month_start = dt.date(2021 + (9 + n) // 12, (9 + n) % 12 + 1, 1)
        for line in template:
            copy = list(line)
            copy[header.index("invoice_number")] = f"ЭРО-М{n}"
            copy[header.index("invoice_date")] = (month_start + dt.timedelta(days=27)).strftime("%d.%m.%Y")
            out.append(copy)
    folder.mkdir()
    write_csv(folder / "invoices.csv", header, out + others)
    return folder


def test_query_counts_do_not_grow_with_imported_history(clock, sample, tmp_path):
    clock.set_local(dt.date(2026, 3, 1))
    run_import(sample / "contracts.csv")
    counts = summary(run_import(many_invoices(tmp_path / "export", 36)))
    assert counts["начисления"] == (37, 0, 0, 0)
    long, short = Contract.objects.get(number="12345-ЭС"), Contract.objects.get(number="34567-ЭС")
    for contract in (long, short):
        Contract.objects.filter(pk=contract.pk).update(registered_at=clock.now, registration_method="email")
        user = User.objects.create_user(username=contract.number, contract=contract, password=PASSWORD)
        Membership.objects.create(user=user, contract=contract, role=Role.ADMIN)
    period = {"start": "01.01.2021", "end": "31.12.2024"}
    for url, query in [(HOME, {}), (SETTLEMENTS, period), (reverse("settlements:charges"), period)]:
        seen = []
        for contract in (short, long):
            client = client_for(contract)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, query)
            assert response.status_code == 200
            seen.append(len(queries))
        assert seen[0] == seen[1], (url, seen)
    charges = html(client_for(long).get(reverse("settlements:charges"), period))
    assert len(re.findall(r"ЭРО-М\d+", charges)) >= 36


def test_the_pdf_and_excel_statements_agree_with_the_files(customer, sample):
    run_import(sample)
    client = client_for(customer)
    period = {"start": "01.11.2021", "end": "31.12.2021"}
    opening_charged, opening_paid = file_sums(
        "12345-ЭС", start=dt.date(2000, 1, 1), end=dt.date(2021, 10, 31)
    )
    charged, paid = file_sums("12345-ЭС", start=dt.date(2021, 11, 1), end=dt.date(2021, 12, 31))
    opening = opening_charged - opening_paid
    closing = opening + charged - paid

    text = "\n".join(pdf_text(client.get(reverse("settlements:settlements-pdf"), period).content))
    assert f"Сальдо на начало периода: {rub(opening)}" in text
    assert f"Итого за период: {rub(charged)} {rub(paid)}" in text
    assert f"Сальдо на конец периода: {rub(closing)}" in text

    sheet = workbook(client.get(reverse("settlements:settlements-xlsx"), period).content)["Взаиморасчеты"]
    rows = {row[0].value: row for row in sheet.iter_rows() if isinstance(row[0].value, str)}
    # Excel keeps the amounts as numbers; to the kopeck they are the files' sums.
    assert Decimal(str(rows["Сальдо на начало периода:"][1].value)).quantize(Decimal("0.01")) == opening
    assert Decimal(str(rows["Итого"][1].value)) == charged
    assert Decimal(str(rows["Итого"][2].value)) == paid
    assert Decimal(str(rows["Сальдо на конец периода:"][1].value)).quantize(Decimal("0.01")) == closing
