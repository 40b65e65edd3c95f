import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts.customers import CONTRACT_SESSION_KEY
from accounts.models import Contract, Membership, User
from accounts.roles import Role
from meters.models import Meter, Reading
from settlements.ledger import contract_balance
from settlements.models import Invoice, InvoiceLine, Payment
from settlements.vat import vat_rate_on

pytestmark = pytest.mark.django_db


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Contract, User, Invoice, InvoiceLine, Payment, Meter, Reading)
    ]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_second_run_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_manual_figures_are_reproduced(seeded):
    contract = Contract.objects.get(number="12345-ЭС")
    assert contract.signed_on == dt.date(2021, 9, 27)
    assert contract.organization.inn == "7453012342"
    assert contract_balance(contract=contract, on=dt.date(2021, 9, 30)).amount == Decimal("0.00")
    assert contract_balance(contract=contract, on=dt.date(2021, 12, 31)).amount == Decimal("13481.16")
    october = contract.invoices.get(date=dt.date(2021, 10, 31))
    assert october.amount == Decimal("5392.46")
    assert october.vat_amount == Decimal("898.74")
    line = october.lines.get()
    assert (line.tariff, line.unit, line.quantity, line.price) == (
        "Тепловая энергия",
        "Гкал",
        Decimal("3.32"),
        Decimal("1353.53"),
    )
    assert (line.amount, line.vat_amount, line.vat_rate, line.total) == (
        Decimal("4493.72"),
        Decimal("898.74"),
        Decimal("20.00"),
        Decimal("5392.46"),
    )
    assert contract.invoices.get(date=dt.date(2021, 11, 30)).amount == Decimal("8088.70")
    assert not contract.payments.filter(date__lt=dt.date(2022, 1, 1)).exists()
    assert contract.payments.filter(date=dt.date(2022, 2, 25), amount=Decimal("151.67")).exists()


def test_invoices_run_to_the_current_month_with_both_services(seeded):
    from django.utils import timezone

    today = timezone.localdate()
    contract = Contract.objects.get(number="12345-ЭС")
    latest = contract.invoices.order_by("-date").first()
    assert (latest.date.year, latest.date.month) == (today.year, today.month)
    assert latest.date <= today
    units = set(InvoiceLine.objects.filter(invoice__contract=contract).values_list("tariff", "unit"))
    assert units == {("Тепловая энергия", "Гкал"), ("ГВС (теплоноситель)", "м³")}


def test_each_line_has_the_vat_rate_of_its_service_month(seeded):
    invoices = {invoice.number: invoice for invoice in Invoice.objects.filter(contract__number="12345-ЭС")}
    # December's invoice is issued in January: the rate is December's.
    december = invoices["ЭРО-202512-12345"]
    assert december.date == dt.date(2026, 1, 10)
    assert set(december.lines.values_list("vat_rate", flat=True)) == {Decimal("20.00")}
    assert set(invoices["ЭРО-202601-12345"].lines.values_list("vat_rate", flat=True)) == {Decimal("22.00")}
    for line in InvoiceLine.objects.filter(invoice__contract__number="12345-ЭС").select_related("invoice"):
        month = dt.datetime.strptime(line.invoice.number.split("-")[1], "%Y%m").date()
        assert line.vat_rate == vat_rate_on(month), line.invoice.number


def test_every_invoice_adds_up_to_its_lines(seeded):
    for invoice in Invoice.objects.prefetch_related("lines"):
        lines = list(invoice.lines.all())
        assert invoice.amount == sum(line.total for line in lines)
        assert invoice.vat_amount == sum(line.vat_amount for line in lines)
        for line in lines:
            assert line.total == line.amount + line.vat_amount


def test_demo_sign_ins_work(seeded):
    client = Client()
    response = client.post(reverse("accounts:login"), {"contract_number": "12345-ЭС", "secret": "Enser-2021"})
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    assertContains(client.get(reverse("cabinet:home")), "Задолженность")
    first = Client().post(reverse("accounts:login"), {"contract_number": "54321-ЭС", "secret": "7456009877"})
    assertRedirects(first, reverse("accounts:register"), fetch_redirect_response=False)
    assert not Contract.objects.get(number="54321-ЭС").is_registered


def _printed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_passwords_are_printed_while_they_work(db):
    out = _printed()
    assert "12345-ЭС, пароль Enser-2021 (зарегистрирован)" in out
    assert "glavbuh@teplomontazh.example, пароль Enser-2021 (Бухгалтер по 12345-ЭС и 12346-ЭС" in out
    assert "54321-ЭС, ИНН 7456009877 (первый вход, регистрация)" in out
    assert "admin / Enser-admin-2021" in out


def test_a_changed_demo_password_is_not_printed(db):
    _printed()
    customer = User.objects.get(username="12345-ЭС")
    customer.set_password("Svoi-Parol-2026")
    customer.save()
    accountant = User.objects.get(username="glavbuh@teplomontazh.example")
    accountant.set_password("Svoi-Buh-2026")
    accountant.save()
    staff = User.objects.get(username="admin")
    staff.set_password("Svoi-Admin-2026")
    staff.save()
    out = _printed()
    assert "Enser-2021" not in out and "Enser-admin-2021" not in out
    assert "12345-ЭС: демо-пароль изменен" in out
    assert "glavbuh@teplomontazh.example: демо-пароль изменен" in out
    assert "admin, пароль изменен" in out
    login = reverse("accounts:login")
    refused = Client().post(login, {"contract_number": "12345-ЭС", "secret": "Enser-2021"})
    assert refused.status_code == 400


def test_the_organization_has_a_second_contract_and_a_chief_accountant(seeded):
    first, second = Contract.objects.get(number="12345-ЭС"), Contract.objects.get(number="12346-ЭС")
    assert second.organization == first.organization and second.is_registered
    assert second.invoices.exists() and second.payments.exists()
    assert list(Meter.objects.filter(contract=second).values_list("serial_number", flat=True)) == ["077219"]
    assert not second.invoices.filter(number__in=first.invoices.values("number")).exists()
    people = set(Membership.objects.values_list("user__username", "contract__number", "role"))
    assert people == {
        ("12345-ЭС", "12345-ЭС", Role.ADMIN),
        ("12345-ЭС", "12346-ЭС", Role.ADMIN),
        ("glavbuh@teplomontazh.example", "12345-ЭС", Role.ACCOUNTANT),
        ("glavbuh@teplomontazh.example", "12346-ЭС", Role.ACCOUNTANT),
    }


def test_the_chief_accountant_signs_in_by_e_mail(seeded):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"contract_number": "glavbuh@teplomontazh.example", "secret": "Enser-2021"}
    )
    assertRedirects(response, reverse("cabinet:home"), fetch_redirect_response=False)
    home = client.get(reverse("cabinet:home"))
    assertContains(home, "Номер Договора: <strong>12345-ЭС</strong> · Бухгалтер")
    assertContains(home, "Задолженность")
    assert client.get(reverse("settlements:settlements-pdf")).status_code == 200
    assert client.get(reverse("meters:readings")).status_code == 403
    session = client.session
    session[CONTRACT_SESSION_KEY] = Contract.objects.get(number="12346-ЭС").pk
    session.save()
    june = {"start": "01.06.2022", "end": "30.06.2022"}
    charges = client.get(reverse("settlements:charges"), june)
    assertContains(charges, "ЭРО-202206-12346")
    assertContains(charges, "Номер Договора: <strong>12346-ЭС</strong>")


def test_the_administrator_finds_a_journal_and_a_pending_invitation(seeded):
    from accounts.models import ActionRecord, Invitation

    client = Client()
    client.post(reverse("accounts:login"), {"contract_number": "12345-ЭС", "secret": "Enser-2021"})
    journal = client.get(reverse("accounts:journal"))
    assertContains(journal, "Приглашение принято")
    assertContains(journal, "Ольга Миронова (glavbuh@teplomontazh.example)")
    people = client.get(reverse("accounts:people"))
    assertContains(people, "inzhener@teplomontazh.example")
    assertContains(people, "glavbuh@teplomontazh.example")
    lines = ActionRecord.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert ActionRecord.objects.count() == lines and Invitation.objects.count() == 1


def test_the_demo_people_have_notifications_of_their_role_once(seeded):
    from notices.models import Notification

    made = Notification.objects.count()
    accountant = User.objects.get(email="glavbuh@teplomontazh.example")
    told = set(Notification.objects.filter(person=accountant).values_list("event", flat=True))
    assert {"invoice", "debt"} <= told and "window_open" not in told  # not the accountant's
    assert Notification.objects.filter(person__username="12345-ЭС", event="window_open").exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.count() == made
