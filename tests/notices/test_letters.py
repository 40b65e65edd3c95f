"""Letters through the real SMTP path: one-click unsubscribe (RFC 8058) by
a POST without a session, forged links refused, and the daily digest."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.test import Client
from pytest_django.asserts import assertContains

from notices.events import Event
from notices.models import Notification, PersonSettings, Preference
from notices.services import digest_send, notify, unsubscribe_token
from tests.notices.conftest import letters
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db


def _invoice(contract, period: str = "ЭРО-9") -> int:
    return notify(
        Event.INVOICE,
        contract,
        period,
        title=f"Договор {contract.number}: новое начисление",
        body=f"Начислено за октябрь 2026 ({period}): 8\u00a0088,70\u00a0₽.",
        url="/charges/",
    )


def _received(smtp_server, address: str):
    return [message for rcpt, message in smtp_server.messages if address in rcpt]


def _unsubscribe_path(message) -> str:
    (url,) = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    return url.removeprefix("http://127.0.0.1:8000")


def test_a_letter_unsubscribes_in_one_click_without_a_session(contract, people, smtp_server, settings):
    settings.CABINET_URL = "http://127.0.0.1:8000"
    _invoice(contract)
    queued_jobs_run()
    (letter,) = _received(smtp_server, people.accountant.email)
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Начислено за октябрь 2026" in letter.get_body(("plain",)).get_content()
    path = _unsubscribe_path(letter)

    anonymous = Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF token
    page = anonymous.get(path)
    assertContains(page, "Будут отключены письма «Новое начисление» по договору 12345-ЭС")
    assertContains(page, "«Настройки уведомлений»")
    assert not Preference.objects.exists()  # a GET (a link scanner) changes nothing

    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assertContains(done, "Письма отключены")
    assertContains(done, "Включить письма снова можно в личном кабинете")
    preference = Preference.objects.get(person=people.accountant, contract=contract, event=Event.INVOICE)
    assert (preference.in_app, preference.email, preference.sms) == (True, False, False)

    # The next invoice: in the cabinet only, for the accountant; the others still get letters.
    smtp_server.messages.clear()
    _invoice(contract, "ЭРО-10")
    queued_jobs_run()
    assert _received(smtp_server, people.accountant.email) == []
    assert _received(smtp_server, people.admin.email)
    assert Notification.objects.filter(person=people.accountant, key__endswith=":ЭРО-10").exists()


def test_a_forged_or_altered_link_is_refused(contract, people):
    genuine = unsubscribe_token(person_id=people.accountant.pk, contract_id=contract.pk, event=Event.INVOICE)
    other_salt = signing.dumps({"p": people.accountant.pk, "c": contract.pk, "e": "invoice"}, salt="x")
    payload = genuine.partition(":")[0]
    altered = genuine.replace(payload[:4], "eyJw" if payload[:4] != "eyJw" else "eyJx", 1)
    unknown_event = unsubscribe_token(
        person_id=people.accountant.pk, contract_id=contract.pk, event="nothing"
    )
    for token in [
        genuine[:-1] + ("A" if genuine[-1] != "A" else "B"),
        other_salt,
        altered,
        unknown_event,
        "x",
    ]:
        for method in ("get", "post"):
            response = getattr(Client(), method)(f"/notifications/unsubscribe/{token}/")
            assertContains(response, "Ссылка недействительна", status_code=404)
    assert not Preference.objects.exists()


def test_the_digest_gathers_a_day_into_one_letter(contract, people, smtp_server, clock, settings):
    PersonSettings.objects.create(person=people.accountant, digest=PersonSettings.Digest.DAILY)
    clock.set_local(dt.date(2026, 11, 16), hour=10)
    _invoice(contract, "ЭРО-1")
    clock.set_local(dt.date(2026, 11, 16), hour=18)
    _invoice(contract, "ЭРО-2")
    queued_jobs_run()
    assert _received(smtp_server, people.accountant.email) == []  # nothing at once
    assert len(_received(smtp_server, people.admin.email)) == 2  # single letters, as before

    assert digest_send() == 0  # the day is not over: nothing yet
    clock.set_local(dt.date(2026, 11, 17), hour=8)
    assert digest_send() == 1
    assert digest_send() == 0  # run again: nothing more
    queued_jobs_run()
    (digest,) = _received(smtp_server, people.accountant.email)
    assert digest["Subject"].strip() == "Уведомления личного кабинета за 16.11.2026"
    text = digest.get_body(("plain",)).get_content()
    assert "(ЭРО-1)" in text and "(ЭРО-2)" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(letters("notice-digest")) == 1

    # The digest's link turns every letter off, in every contract, and says so.
    done = Client().post(_unsubscribe_path(digest))
    assertContains(done, "Письма с уведомлениями по всем договорам")
    assert not Preference.objects.filter(person=people.accountant, email=True).exists()
    assert Preference.objects.filter(person=people.accountant).count() >= 3


def test_the_digest_leaves_out_a_contract_the_person_left(contract, people, clock):
    PersonSettings.objects.create(person=people.accountant, digest=PersonSettings.Digest.DAILY)
    clock.set_local(dt.date(2026, 11, 16))
    _invoice(contract)
    people.accountant.memberships.all().delete()
    clock.set_local(dt.date(2026, 11, 17))
    assert digest_send() == 0
    assert not Notification.objects.filter(digest_pending=True).exists()
