"""Item 5 of the security issue: "Забыли пароль?" tells nobody whether a
contract (or an e-mail) is registered. The request takes the same path for
a registered, an unregistered and an unknown one: the same template and
status, the same queries, and exactly one queued job of the same kind,
whose worker alone decides whether a letter or an SMS leaves."""

import json
import re

import pytest
from django.core import mail
from django.core.signals import request_finished
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from outbox.models import OutgoingMessage
from tests.conftest import make_contract, make_person
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db
RESET = reverse("accounts:password-reset")
SEND = reverse("accounts:password-reset-send")
CODE = reverse("accounts:password-reset-code")
CASES = ["12345-ЭС", "54321-ЭС", "77777-ЭС"]  # registered, unregistered, unknown
EMAIL_CASES = ["glavbuh@teplomontazh.example", "nobody@teplomontazh.example"]


@pytest.fixture
def world(db):
    contract = make_contract(number="12345-ЭС")
    User.objects.filter(contract=contract).update(email="ivanov@mail.ru", phone="+79025550112")
    make_contract(number="54321-ЭС", inn="7456009877", kpp="745601001", registered=False)
    make_person(email="glavbuh@teplomontazh.example", roles={contract: "accountant"})


@pytest.fixture
def no_worker():
    """Jobs stay in the queue after each request, to be looked at."""
    request_finished.disconnect(dispatch_uid="tests-queue-worker")


def _jobs() -> list[tuple[str, str, dict]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT task_name, queue_name, args::text FROM procrastinate_jobs"
            " WHERE status = 'todo' ORDER BY id"
        )
        return [(name, queue, json.loads(args)) for name, queue, args in cursor.fetchall()]


def _tables(queries) -> list[str]:
    """What each query touched, without the values: the shape of the path."""
    return [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", query["sql"]) for query in queries]


def _request(identifier: str, method: str):
    client = Client()
    assert client.post(RESET, {"contract_number": identifier}).status_code == 302
    page = client.get(SEND)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(SEND, {"method": method})
    return page, response, _tables(queries.captured_queries)


def _same_page(first, second, first_id, second_id) -> None:
    def plain(response, identifier):
        text = re.sub(r'value="[^"]+"', "", response.content.decode())
        return text.replace(identifier, "ID")

    assert plain(first, first_id) == plain(second, second_id)


@pytest.mark.parametrize("cases", [CASES, EMAIL_CASES], ids=["contract", "e-mail"])
def test_a_letter_is_asked_for_the_same_way_for_any_identifier(world, no_worker, cases):
    answers = []
    for identifier in cases:
        page, response, path = _request(identifier, "email")
        assert response.status_code == 200
        assert response.templates[0].name == "accounts/password_reset_sent.html"
        # Exactly one job, of the same kind, and nothing else: no letter yet.
        assert _jobs() == [
            (
                "accounts.password_reset_send",
                "urgent",
                {"identifier": identifier, "method": "email", "base_url": "http://testserver/"},
            )
        ]
        assert not OutgoingMessage.objects.exists()
        answers.append((identifier, page, response, path))
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs")
    first = answers[0]
    for other in answers[1:]:
        _same_page(first[1], other[1], first[0], other[0])
        _same_page(first[2], other[2], first[0], other[0])
        # The same queries in the same order: the path never branches on what was typed.
        assert first[3] == other[3]


def test_a_code_is_asked_for_the_same_way_for_any_contract(world, no_worker, sms_outbox):
    paths = []
    for identifier in CASES:
        _, response, path = _request(identifier, "sms")
        assert response.status_code == 302 and response.url == CODE
        assert [(name, args["identifier"], args["method"]) for name, _, args in _jobs()] == [
            ("accounts.password_reset_send", identifier, "sms")
        ]
        paths.append(path)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs")
    assert paths[0] == paths[1] == paths[2]
    assert sms_outbox == []


@pytest.mark.parametrize(
    ("identifier", "letters"),
    [
        ("12345-ЭС", ["ivanov@mail.ru"]),
        ("54321-ЭС", []),
        ("77777-ЭС", []),
        ("glavbuh@teplomontazh.example", ["glavbuh@teplomontazh.example"]),
        ("nobody@teplomontazh.example", []),
    ],
)
def test_the_worker_alone_decides_who_gets_a_letter(world, no_worker, identifier, letters):
    _request(identifier, "email")
    assert mail.outbox == []
    queued_jobs_run()
    assert [message.to[0] for message in mail.outbox] == letters


def test_staff_are_never_reached_by_e_mail(world, no_worker):
    User.objects.create_user(
        username="boss", email="boss@rm-enser.ru", password="Staff-Pass-2024", is_staff=True
    )
    _request("boss@rm-enser.ru", "email")
    queued_jobs_run()
    assert mail.outbox == []


@pytest.mark.parametrize("identifier", [*CASES, *EMAIL_CASES])
def test_the_resend_wait_is_the_same_for_any_identifier(world, identifier, clock):
    first, second = Client(), Client()
    for client in (first, second):
        client.post(RESET, {"contract_number": identifier})
    if "@" in identifier:
        # An e-mail gets letters only: asking for an SMS is refused alike for any address.
        response = first.post(SEND, {"method": "sms"})
        assert response.status_code == 400
        return
    assert first.post(SEND, {"method": "sms"}).status_code == 302
    clock.advance(seconds=15)
    response = second.post(SEND, {"method": "sms"})
    assert response.status_code == 400
    assert "Новый код можно запросить через 45 с." in response.content.decode()
