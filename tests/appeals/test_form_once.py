"""One form files one appeal: a double click, a resent page or two sendings
at the same moment lead to the first appeal's page and store nothing more."""

import re
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from appeals.forms import FORM_SPENT, FORM_STALE, form_token_issue
from appeals.models import Appeal, AppealCounter, AppealDocument
from appeals.services import FormAlreadySent
from tests.appeals.conftest import form_data, make_appeal, upload
from tests.conftest import client_for

NEW = reverse("appeals:new")


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def page_token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def assert_one_appeal_with_one_document(media_root) -> Appeal:
    appeal = Appeal.objects.get()
    assert AppealDocument.objects.filter(appeal=appeal).count() == 1
    assert len(stored_files(media_root)) == 1
    # The acknowledgment and the branch's notice, once.
    assert len(mail.outbox) == 2
    return appeal


@pytest.mark.django_db
def test_the_form_sent_twice_files_one_appeal_and_both_lead_to_it(client, choices, media_root, fixed_now):
    data = form_data(choices)
    first = client.post(NEW, {**data, "documents": [upload("scan.pdf")]})
    again = client.post(NEW, {**data, "documents": [upload("scan.pdf")]})

    assert_one_appeal_with_one_document(media_root)
    assert first.status_code == again.status_code == 302
    for response in (first, again):
        assertContains(client.get(response["Location"]), "Обращение № 2026-000001 зарегистрировано")


@pytest.mark.django_db
def test_the_cabinet_form_sent_twice_files_one_appeal(contract, choices, media_root, fixed_now):
    client = client_for(contract)
    data = {**form_data(choices), "token": page_token(client.get(NEW))}
    for _ in range(2):
        response = client.post(NEW, {**data, "documents": [upload("scan.pdf")]})
        assert response.status_code == 302
        assertContains(client.get(response["Location"]), "Обращение № 2026-000001 зарегистрировано")
    assert assert_one_appeal_with_one_document(media_root).contract == contract


@pytest.mark.django_db
def test_the_page_says_the_number_and_where_the_letter_comes(client, choices, fixed_now):
    response = client.post(NEW, form_data(choices), follow=True)
    assertContains(response, "<h1>Обращение № 2026-000001 зарегистрировано</h1>", html=True)
    assertContains(response, "Письмо с подтверждением придет на romashka@example.ru.")


@pytest.mark.django_db
def test_each_page_of_the_form_carries_its_own_signed_key(client, choices):
    first, second = page_token(client.get(NEW)), page_token(client.get(NEW))
    assert first != second
    assert client.post(NEW, {**form_data(choices), "token": first}).status_code == 302
    assert client.post(NEW, {**form_data(choices), "token": second}).status_code == 302
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [None, "", "forged", "AAAAAAAAAAAAAAAAAAAAAA:made-up-signature", form_token_issue() + "x"],
    ids=["missing", "empty", "plain", "bad-signature", "altered"],
)
def test_a_missing_or_forged_key_gives_the_form_back_with_a_fresh_one(client, choices, media_root, token):
    data = form_data(choices, token=token)
    response = client.post(NEW, {**data, "documents": [upload("scan.pdf")]})

    assertContains(response, FORM_STALE, status_code=400)
    assertContains(response, 'value="romashka@example.ru"', status_code=400)
    assertContains(response, "выберите документы снова", status_code=400)
    assert not Appeal.objects.exists() and stored_files(media_root) == [] and mail.outbox == []
    fresh = page_token(response)
    assert fresh != token
    assert client.post(NEW, {**data, "token": fresh}).status_code == 302


@pytest.mark.django_db
def test_a_form_refused_for_a_field_keeps_its_key(client, choices):
    data = form_data(choices)
    response = client.post(NEW, {**data, "phone": "bad"})
    assert response.status_code == 400
    assertNotContains(response, FORM_STALE, status_code=400)
    assert page_token(response) == data["token"]


@pytest.mark.django_db
def test_a_key_spent_by_another_sender_shows_nothing_of_theirs(client, choices, fixed_now):
    data = form_data(choices)
    assert client.post(NEW, data).status_code == 302

    stranger = Client()
    response = stranger.post(NEW, {**data, "email": "chuzhoy@example.ru"})

    assertContains(response, FORM_SPENT, status_code=400)
    assertNotContains(response, "2026-000001", status_code=400)
    assert page_token(response) != data["token"]
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_the_service_refuses_a_second_appeal_for_one_key(choices):
    first = make_appeal(choices, form_token="key-1")
    with pytest.raises(FormAlreadySent) as repeat:
        make_appeal(choices, form_token="key-1")
    assert repeat.value.appeal == first
    with pytest.raises(FormAlreadySent) as foreign:
        make_appeal(choices, form_token="key-1", email="other@example.ru")
    assert foreign.value.appeal is None
    assert Appeal.objects.get() == first


def _waiting_on_locks(count: int, timeout: float = 60) -> bool:
    """True once `count` other sessions of this database wait for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction the activity view is a snapshot: take a new one each time.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_file_one_appeal(choices, media_root, fixed_now):
    if connection.vendor != "postgresql":
        pytest.skip("two sessions racing for one row: PostgreSQL")
    AppealCounter.objects.create(year=2026)
    data = form_data(choices)
    clients = [Client(), Client()]
    responses = [None, None]
    start = threading.Barrier(3)

    def send(index: int) -> None:
        try:
            start.wait(timeout=60)
            responses[index] = clients[index].post(NEW, {**data, "documents": [upload("scan.pdf")]})
        except Exception as error:  # reported to the test
            responses[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    # The year's counter is held until both sendings wait for it: neither can
    # see the other's appeal beforehand, so the database alone must refuse one.
    with transaction.atomic():
        AppealCounter.objects.select_for_update().get(year=2026)
        for thread in threads:
            thread.start()
        start.wait(timeout=60)
        assert _waiting_on_locks(2)
    for thread in threads:
        thread.join(timeout=60)

    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert_one_appeal_with_one_document(media_root)
    for client, response in zip(clients, responses, strict=True):
        assertContains(client.get(response["Location"]), "Обращение № 2026-000001 зарегистрировано")
