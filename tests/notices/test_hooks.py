"""Events the apps below send: an import's new invoices and payments, a
reading put on review or rejected, an appeal's new status or answer."""

import datetime as dt

import pytest
from django.urls import reverse

from appeals.models import Appeal
from appeals.services import appeal_reply_set, appeal_status_set
from billing.loader import NEWS_DAYS, billing_import
from enser_cabinet.formatting import format_money
from meters.models import Reading
from meters.services import reading_reject
from notices import hooks
from notices.events import Event
from notices.models import Notification
from notices.services import notify_many
from settlements.models import Invoice, Payment
from tests.appeals.conftest import make_appeal
from tests.billing.conftest import DATA
from tests.meters.conftest import monthly_history
from tests.notices.conftest import letters

pytestmark = pytest.mark.django_db


def _titles(person, event) -> list[str]:
    return list(
        Notification.objects.filter(person=person, event=event).order_by("pk").values_list("title", "body")
    )


def test_an_import_of_a_new_invoice_tells_the_accountant_not_the_engineer(
    contract, people, clock, django_capture_on_commit_callbacks
):
    """The sample export on 10.02.2026: of 12345-ЭС's invoices only ЭРО-3
    (31.01.2026) is news; those of 2021 are history."""
    contract.invoices.all().delete()
    clock.set_local(dt.date(2026, 2, 10))
    with django_capture_on_commit_callbacks(execute=True):
        billing_import([DATA])
    invoice = Invoice.objects.get(contract=contract, number="ЭРО-3")
    balance = sum(i.amount for i in Invoice.objects.filter(contract=contract)) - sum(
        p.amount for p in Payment.objects.filter(contract=contract)
    )
    assert _titles(people.accountant, Event.INVOICE) == [
        (
            "Договор 12345-ЭС: новое начисление",
            f"Начислено за январь 2026: {format_money(invoice.amount)}\u00a0₽, "
            f"задолженность {format_money(balance)}\u00a0₽.",
        )
    ]
    assert Notification.objects.get(person=people.accountant).url == reverse(
        "settlements:invoice", args=[invoice.pk]
    )
    assert _titles(people.engineer, Event.INVOICE) == []
    assert {m.to for m in letters()} == {people.admin.email, people.accountant.email, people.viewer.email}
    made = Notification.objects.count()

    # The same export again: nothing is new, nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        billing_import([DATA])
    assert Notification.objects.count() == made == 3


def test_an_import_of_new_payments_tells_the_accountant(
    contract, people, clock, django_capture_on_commit_callbacks
):
    clock.set_local(dt.date(2021, 12, 25))
    with django_capture_on_commit_callbacks(execute=True):
        billing_import([DATA / "contracts.csv", DATA / "payments.csv"])
    bodies = [body for _, body in _titles(people.accountant, Event.PAYMENT)]
    # The refund of 100,00 (a negative payment) is no payment received.
    assert len(bodies) == 2
    assert bodies[0].startswith("Оплата 5\u00a0000,00\u00a0₽ от 10.11.2021 зачтена")
    assert bodies[1].startswith("Оплата 392,46\u00a0₽ от 10.12.2021 зачтена")
    assert _titles(people.engineer, Event.PAYMENT) == []


def test_an_import_tells_its_news_a_round_at_a_time_in_order(
    contract, people, clock, monkeypatch, django_capture_on_commit_callbacks
):
    """A nightly import brings news for most contracts: it is told NEWS_CHUNK
    rows a round, so that what a round holds does not grow with the import;
    each payment is still told once, in the order of their dates."""
    rounds = []

    def counted(event, notices, **kwargs):
        notices = list(notices)
        rounds.append((event, len(notices)))
        return notify_many(event, notices, **kwargs)

    monkeypatch.setattr(hooks, "NEWS_CHUNK", 1)
    monkeypatch.setattr(hooks, "notify_many", counted)
    clock.set_local(dt.date(2021, 12, 25))
    with django_capture_on_commit_callbacks(execute=True):
        billing_import([DATA / "contracts.csv", DATA / "payments.csv"])
    since = dt.date(2021, 12, 25) - dt.timedelta(days=NEWS_DAYS)
    told = Payment.objects.filter(date__gte=since, amount__gt=0)
    assert told.count() > 2  # other contracts' payments too
    assert rounds == [(Event.PAYMENT, 1)] * told.count()
    bodies = [body for _, body in _titles(people.accountant, Event.PAYMENT)]
    assert len(bodies) == 2
    assert bodies[0].startswith("Оплата 5\u00a0000,00\u00a0₽ от 10.11.2021 зачтена")
    assert bodies[1].startswith("Оплата 392,46\u00a0₽ от 10.12.2021 зачтена")


def test_an_import_of_old_history_is_no_news(contract, people, clock, django_capture_on_commit_callbacks):
    contract.invoices.all().delete()
    clock.set_local(dt.date(2026, 12, 25))  # the sample's rows are five years old
    with django_capture_on_commit_callbacks(execute=True):
        billing_import([DATA])
    assert not Notification.objects.exists()


def test_a_dry_run_tells_nobody(contract, people, clock, django_capture_on_commit_callbacks):
    contract.invoices.all().delete()
    clock.set_local(dt.date(2021, 12, 25))
    with django_capture_on_commit_callbacks(execute=True):
        billing_import([DATA], dry_run=True)
    assert not Notification.objects.exists()


@pytest.fixture
def on_review(contract, people, clock, customer_client):
    from tests.meters.conftest import make_meter

    clock.set_local(dt.date(2026, 11, 16))
    meter = make_meter(contract)
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    customer_client.post(reverse("meters:submit", args=[meter.pk]), {"whole": "1500", "fraction": "25"})
    return Reading.objects.get(status=Reading.Status.REVIEW)


def test_a_reading_on_review_then_rejected_tells_the_engineer(on_review, people, admin_user):
    (review,) = _titles(people.engineer, Event.READING)
    assert review[0] == "Показания прибора учета № 001383 на проверке (договор 12345-ЭС)"
    reading_reject(reading=on_review, user=admin_user, reason="Контрольное снятие показало 001121,000 м³.")
    rejected = _titles(people.engineer, Event.READING)[1]
    assert "отклонены" in rejected[0]
    assert "Контрольное снятие показало 001121,000 м³." in rejected[1] and "001500,250 м³" in rejected[1]
    assert _titles(people.accountant, Event.READING) == []


def test_an_appeal_s_status_and_answer_tell_the_administrator(contract, people, choices, admin_user):
    appeal = make_appeal(choices, contract=contract)
    appeal_status_set(appeal=appeal, status=Appeal.Status.IN_PROGRESS, by=admin_user)
    appeal_reply_set(appeal=appeal, text="Перерасчет выполнен.", by=admin_user, absolute=lambda p: p)
    told = _titles(people.admin, Event.APPEAL)
    assert [title for title, _ in told] == [
        f"Договор 12345-ЭС: обращение № {appeal.number} — «В работе»",
        f"Договор 12345-ЭС: ответ на обращение № {appeal.number}",
    ]
    assert Notification.objects.filter(event=Event.APPEAL).exclude(person=people.admin).count() == 0
    assert Notification.objects.get(person=people.admin, title__contains="ответ").url == reverse(
        "appeals:detail", args=[appeal.number]
    )


def test_a_public_appeal_tells_nobody_in_the_cabinet(choices, admin_user, people):
    appeal = make_appeal(choices)
    appeal_status_set(appeal=appeal, status=Appeal.Status.IN_PROGRESS, by=admin_user)
    assert not Notification.objects.filter(event=Event.APPEAL).exists()
