"""The sample export loads whole, in every style billing writes it, and a
second load of the same files writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Contract, Organization
from billing.loader import billing_import
from billing.models import ImportRun
from meters.models import Meter, Reading
from settlements.models import Invoice, InvoiceLine, Payment
from tests.billing.conftest import (
    DATA,
    edited,
    ero2_second_line_changed,
    export_variant,
    money,
    row_versions,
    run_import,
    set_cell,
    summary,
    table_checksums,
    writes_in_transaction,
)

pytestmark = pytest.mark.django_db

FIRST_LOAD = {
    "организации": (3, 0, 0, 0),
    "договоры": (3, 0, 0, 0),
    "приборы учета": (3, 0, 0, 0),
    "начисления": (6, 0, 0, 0),
    "оплаты": (5, 0, 0, 0),
    "показания": (4, 0, 0, 0),
}
UNCHANGED = {
    "организации": (0, 0, 3, 0),
    "договоры": (0, 0, 3, 0),
    "приборы учета": (0, 0, 3, 0),
    "начисления": (0, 0, 6, 0),
    "оплаты": (0, 0, 5, 0),
    "показания": (0, 0, 4, 0),
}


def loaded() -> dict[str, list[tuple]]:
    """What the export put in the cabinet, without ids."""
    return {
        "organizations": sorted(
            Organization.objects.values_list("inn", "kpp", "name", "legal_address", "postal_address")
        ),
        "contracts": sorted(
            Contract.objects.values_list(
                "number", "organization__inn", "signed_on", "service", "billing_email", "billing_phone"
            )
        ),
        "invoices": sorted(
            Invoice.objects.values_list(
                "contract__number", "number", "date", "operation_type", "amount", "vat_amount"
            )
        ),
        "lines": sorted(
            InvoiceLine.objects.values_list(
                "invoice__number",
                "position",
                "installation",
                "address",
                "tariff",
                "unit",
                "quantity",
                "price",
                "amount",
                "vat_amount",
                "vat_rate",
                "total",
            )
        ),
        "payments": sorted(
            Payment.objects.values_list(
                "contract__number", "document_number", "date", "amount", "operation_type"
            )
        ),
        "meters": sorted(
            Meter.objects.values_list(
                "contract__number",
                "serial_number",
                "model_name",
                "resource",
                "address",
                "digits_before",
                "digits_after",
                "verification_due",
                "is_active",
            )
        ),
        "readings": sorted(
            Reading.objects.values_list("meter__serial_number", "reading_date", "value", "source", "status")
        ),
    }


def test_the_sample_export_loads_with_its_summary(sample):
    output = run_import(sample)
    assert summary(output) == FIRST_LOAD
    assert "Загружено (загрузка №" in output


def test_verbose_output_tells_the_seconds_of_each_phase(sample):
    output = run_import(sample, "-v", "2")
    phases = [line for line in output.splitlines() if ", с: " in line]
    assert [line.split(",")[0] for line in phases] == [
        "договоры",
        "приборы учета",
        "начисления",
        "оплаты",
        "показания",
        "фиксация транзакции",
    ]
    assert all("чтение" in line and "проверки" in line and "запись" in line for line in phases[:-1])
    assert ", с: " not in run_import(sample)


def test_values_land_as_the_files_say(sample):
    run_import(sample)
    # "12345 эс" in the file is the contract the customer signs in with.
    contract = Contract.objects.select_related("organization").get(number="12345-ЭС")
    assert contract.signed_on == dt.date(2021, 9, 27)
    assert contract.organization.inn == "7453012342"
    assert (contract.billing_email, contract.billing_phone) == ("buh@teplomontazh.ru", "+7 (3513) 55-12-34")
    assert not contract.is_registered and contract.registration_method == ""
    assert Organization.objects.get(inn="500100732259").kpp == ""
    october = Invoice.objects.get(contract=contract, number="ЭРО-1")
    # The manual's charge of 31.10.2021, in two lines.
    assert (october.date, october.amount, october.vat_amount) == (
        dt.date(2021, 10, 31),
        Decimal("5392.46"),
        Decimal("898.74"),
    )
    assert [(line.position, line.total) for line in october.lines.all()] == [
        (1, Decimal("3248.47")),
        (2, Decimal("2143.99")),
    ]
    assert Invoice.objects.get(number="ЭРО-3").lines.first().vat_rate == Decimal("22.00")
    assert Payment.objects.get(document_number="ВЗ-7").amount == Decimal("-100.00")
    hot_water = Meter.objects.get(serial_number="ГВ-0002")
    assert (hot_water.resource, hot_water.digits_after) == (Meter.Resource.HOT_WATER, 2)
    assert not Meter.objects.get(serial_number="ТС-0100").is_active
    assert set(Reading.objects.values_list("source", "status")) == {("import", "accepted")}


def test_the_run_is_recorded(sample):
    run_import(sample)
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.SUCCEEDED
    assert {f["name"] for f in run.files} == {p.name for p in sample.glob("*.csv")}
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in run.files)
    assert run.counts["invoices"] == {"created": 6, "updated": 0, "unchanged": 0, "skipped": 0}
    assert run.started_at <= run.finished_at and run.duration is not None
    assert run.command == f"manage.py import_billing {sample}"


VARIANTS = {
    "Windows-1251": {"encoding": "cp1251"},
    "UTF-8 with BOM": {"encoding": "utf-8-sig"},
    "comma delimiter, decimal point": {"delimiter": ",", "decimal": "."},
    "comma delimiter, decimal comma quoted": {"delimiter": ","},
    "decimal point": {"decimal": "."},
    "ISO dates": {"iso_dates": True},
    "columns in another order": {"shuffle": True},
    "all at once": {
        "encoding": "cp1251",
        "delimiter": ",",
        "decimal": ".",
        "iso_dates": True,
        "shuffle": True,
    },
}


@pytest.mark.parametrize("style", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_style_of_the_export_loads_the_same(style, tmp_path, sample):
    run_import(sample)
    expected = loaded()
    for model in (Reading, Meter, InvoiceLine, Invoice, Payment, Contract, Organization):
        model.objects.all().delete()
    output = run_import(export_variant(tmp_path / "variant", **style))
    assert summary(output) == FIRST_LOAD
    assert loaded() == expected


def test_the_variant_files_really_differ(tmp_path):
    folder = export_variant(
        tmp_path, encoding="cp1251", delimiter=",", decimal=".", iso_dates=True, shuffle=True
    )
    raw = (folder / "invoices.csv").read_bytes()
    assert raw != (DATA / "invoices.csv").read_bytes()
    text = raw.decode("cp1251")
    assert "2021-10-31" in text and "5414.12" in text and not text.startswith("contract_number")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_flags_fix_what_detection_would_guess(tmp_path):
    folder = export_variant(tmp_path, encoding="cp1251", delimiter=",", decimal=".", iso_dates=True)
    output = run_import(
        folder, "--encoding", "cp1251", "--delimiter", ",", "--decimal", ".", "--date-format", "%Y-%m-%d"
    )
    assert summary(output) == FIRST_LOAD


def test_a_folder_and_files_may_be_given_together(sample):
    output = run_import(sample / "contracts.csv", sample / "invoices.csv")
    assert summary(output)["начисления"] == (6, 0, 0, 0)
    assert "оплаты" not in summary(output)


def test_the_same_files_twice_change_nothing(sample):
    run_import(sample)
    checksums, versions, writes = table_checksums(), row_versions(), writes_in_transaction()
    output = run_import(sample)
    assert summary(output) == UNCHANGED
    assert table_checksums() == checksums
    # Not one row rewritten, even with equal values.
    assert row_versions() == versions
    assert writes_in_transaction() == writes
    assert ImportRun.objects.filter(state="succeeded").count() == 2


def test_the_write_counter_sees_a_write():
    # The zero-writes check above can fail: a real update moves the counters.
    before = writes_in_transaction()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_organization (inn, kpp, name, legal_address, postal_address) "
            "VALUES ('7456009877', '', 'x', '', '')"
        )
    assert writes_in_transaction() != before


def test_a_changed_payment_and_a_changed_line_update(tmp_path, sample):
    run_import(sample)
    lines_before = dict(InvoiceLine.objects.values_list("id", "invoice__number"))
    folder = edited(tmp_path, "payments.csv", lambda h, rows: set_cell(h, rows, 2, "amount", "5100,00"))

    edited(folder, "invoices.csv", ero2_second_line_changed)
    counts = summary(run_import(folder))
    assert counts["оплаты"] == (0, 1, 4, 0)
    assert counts["начисления"] == (0, 1, 5, 0)
    assert counts["договоры"] == (0, 0, 3, 0)
    assert Payment.objects.get(document_number="ПП-101").amount == Decimal("5100.00")
    november = Invoice.objects.get(number="ЭРО-2")
    assert november.amount == Decimal("6496.94") + Decimal("1624.24")
    assert november.vat_amount == Decimal("1082.82") + Decimal("270.71")
    # Its lines were replaced as a whole; the other invoices' lines stand.
    lines_after = dict(InvoiceLine.objects.values_list("id", "invoice__number"))
    assert {i for i, n in lines_before.items() if n != "ЭРО-2"} <= set(lines_after)
    assert not {i for i, n in lines_before.items() if n == "ЭРО-2"} & set(lines_after)
    assert [(line.position, line.quantity) for line in november.lines.all()] == [
        (1, Decimal("4.0000")),
        (2, Decimal("1.0000")),
    ]
    assert InvoiceLine.objects.count() == 12


def test_rows_absent_from_a_file_are_left_alone(sample):
    run_import(sample)
    counts = summary(run_import(sample / "contracts.csv"))
    assert counts == {"организации": (0, 0, 3, 0), "договоры": (0, 0, 3, 0)}
    assert Invoice.objects.count() == 6 and Payment.objects.count() == 5


def test_an_organization_and_contract_change_with_billing(tmp_path, sample):
    run_import(sample)

    def rename(header: list[str], rows: list[list[str]]) -> None:
        set_cell(header, rows, 3, "organization_name", "АО «Северный луч-2»")
        set_cell(header, rows, 3, "email", "luch@example.ru")

    counts = summary(run_import(edited(tmp_path, "contracts.csv", rename)))
    assert counts["организации"] == (0, 1, 2, 0)
    assert counts["договоры"] == (0, 1, 2, 0)
    assert Contract.objects.get(number="23456-ЭС").billing_email == "luch@example.ru"
    assert Organization.objects.get(inn="7456009877").name == "АО «Северный луч-2»"


def test_the_service_returns_counts_per_kind(sample):
    result = billing_import([sample])
    assert result.counts["readings"].created == 4
    assert list(result.counts) == ["organizations", "contracts", "meters", "invoices", "payments", "readings"]
    assert result.run.state == ImportRun.State.SUCCEEDED
    assert money("1,5") == Decimal("1.5")


def invoice_line_keys() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [InvoiceLine._meta.db_table],
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the first load's way on PostgreSQL")
def test_a_first_load_leaves_the_invoice_lines_foreign_key_as_it_was(sample):
    before = invoice_line_keys()
    assert before and "DEFERRABLE INITIALLY DEFERRED" in before[0][1]
    assert not Invoice.objects.exists()
    output = run_import(sample)
    assert summary(output) == FIRST_LOAD
    assert invoice_line_keys() == before
    line = InvoiceLine.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        InvoiceLine.objects.filter(pk=line.pk).update(invoice_id=Invoice.objects.order_by("-pk")[0].pk + 1)
