"""Letters and SMS through a real Procrastinate worker (`manage.py
procrastinate worker`, a subprocess on the committed test database) to a real
SMTP server and the loopback Twilio API: mail servers that are down, hung or
refusing, a worker killed mid-send, priorities and two jobs for one message.

Retries are due minutes later; rather than wait, the tests move a retry's
`scheduled_at` to now in procrastinate_jobs once the worker has scheduled it,
which is all a worker looks at to take a job again.
"""

import asyncio
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.job_context import JobContext
from pytest_django.asserts import assertContains

from appeals.models import Appeal
from appeals.services import appeal_create
from enser_cabinet.tasks import retry_stalled_jobs
from outbox.models import OutgoingMessage
from outbox.services import DELAYS, MAX_ATTEMPTS, email_queue, sms_queue
from outbox.tasks import deliver
from tests.appeals.conftest import BRANCH_EMAIL, form_data, upload
from tests.conftest import SMTPCollector, staff_client_for
from tests.outbox.conftest import DEADLINE, MailServer, SilentServer, free_port, wait_for

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]

NEW_APPEAL = reverse("appeals:new")
SENDER = "romashka@example.ru"


def deliver_jobs() -> list[dict]:
    """The letters' and SMS's jobs, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status, attempts, scheduled_at, priority, args->>'message_id' AS message_id"
            " FROM procrastinate_jobs WHERE task_name = 'outbox.deliver' ORDER BY id"
        )
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def statuses() -> list[str]:
    return [job["status"] for job in deliver_jobs()]


def retries_due_now(count: int, worker) -> list[dict]:
    """Waits until `count` jobs wait for a retry, then makes them due now."""

    def waiting() -> list[dict] | None:
        now = timezone.now()
        jobs = [j for j in deliver_jobs() if j["status"] == "todo" and (j["scheduled_at"] or now) > now]
        return jobs if len(jobs) == count else None

    jobs = wait_for(waiting, what=f"{count} job(s) scheduled for a retry", log=worker.log)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = ANY(%s)", [[j["id"] for j in jobs]]
        )
    return jobs


def other_sessions_in_transaction() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def letter(*, to: str = "buh@example.ru", secret: bool = False) -> OutgoingMessage:
    return email_queue(
        name="password-reset",
        to=[to],
        context={"contract": {"number": "12345-ЭС"}, "link": "https://lk.example/reset/x/", "hours": 24},
        secret=secret,
    )


def states(*messages: OutgoingMessage) -> list[tuple[str, int]]:
    for message in messages:
        message.refresh_from_db()
    return [(message.state, message.attempts) for message in messages]


def test_letters_wait_out_a_mail_server_that_is_down_and_arrive_once(client, choices, mail_server, workers):
    worker = workers.start()
    started = time.monotonic()
    response = client.post(NEW_APPEAL, {**form_data(choices), "documents": [upload("scan.pdf")]})
    assert time.monotonic() - started < 5
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assertContains(client.get(response["Location"]), f"Обращение № {appeal.number} зарегистрировано")

    def letters() -> list[OutgoingMessage]:
        return list(OutgoingMessage.objects.order_by("pk"))

    wait_for(lambda: [m.attempts for m in letters()] == [1, 1], what="both letters tried", log=worker.log)
    for message in letters():
        assert message.state == OutgoingMessage.State.QUEUED
        assert "ConnectionRefusedError" in message.last_error
        assert 30 < (message.next_attempt_at - timezone.now()).total_seconds() <= DELAYS[0]
    mail_server.start()
    retries_due_now(2, worker)

    wait_for(lambda: statuses() == ["succeeded", "succeeded"], what="both jobs succeeded", log=worker.log)
    assert [(m.state, m.attempts) for m in letters()] == [(OutgoingMessage.State.SENT, 2)] * 2
    assert sorted(recipients for recipients, _ in mail_server.messages) == [[BRANCH_EMAIL], [SENDER]]


def test_a_mail_server_that_never_answers_holds_no_page(client, choices, silent_mail_server, workers):
    workers.env["EMAIL_TIMEOUT"] = "2"
    worker = workers.start(concurrency=2)
    started = time.monotonic()
    response = client.post(NEW_APPEAL, {**form_data(choices), "documents": [upload("scan.pdf")]})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the page took {elapsed:.1f} s"
    assert Appeal.objects.count() == 1
    assert list(OutgoingMessage.objects.values_list("state", flat=True)) == [OutgoingMessage.State.QUEUED] * 2
    assert len(deliver_jobs()) == 2

    # The worker, not the page, waits for the server, and gives up after EMAIL_TIMEOUT.
    wait_for(
        lambda: all(m.attempts == 1 for m in OutgoingMessage.objects.all()),
        what="both letters tried",
        log=worker.log,
    )
    assert silent_mail_server.accepted
    for message in OutgoingMessage.objects.all():
        assert message.state == OutgoingMessage.State.QUEUED
        assert "timed out" in message.last_error


class Abandoned(Exception):
    pass


def _appeal_create(choices: dict) -> Appeal:
    return appeal_create(
        data={
            **choices,
            "organization_name": "ООО «Тепломонтаж»",
            "phone": "+79123456789",
            "email": SENDER,
            "premises_address": "г. Миасс, ул. Калинина, д. 12",
            "message": "Прошу проверить начисления.",
            "consent_personal_data": True,
            "consent_accuracy": True,
        },
        files=[],
        kinds=[],
        contract=None,
        user=None,
        absolute=lambda path: f"http://testserver{path}",
    )


def test_a_transaction_that_rolls_back_leaves_no_message_and_no_job(choices, committed):
    with pytest.raises(Abandoned), transaction.atomic():
        _appeal_create(choices)
        letter(to="other@example.ru")
        raise Abandoned
    assert not Appeal.objects.exists()
    assert not OutgoingMessage.objects.exists()
    assert deliver_jobs() == []

    _appeal_create(choices)  # committed: its two letters and their jobs stay
    assert OutgoingMessage.objects.count() == 2
    assert sorted(int(job["message_id"]) for job in deliver_jobs()) == sorted(
        OutgoingMessage.objects.values_list("pk", flat=True)
    )


def _as_the_worker_runs(task, **kwargs) -> None:
    """Runs a periodic task's function as a worker would, on an event loop of
    its own thread (a browser test may have left one running in this one),
    then closes the connection the queue's calls opened in asgiref's thread."""

    async def run():
        context = JobContext(app=app, job=None, start_timestamp=time.time(), abort_reason=lambda: None)
        await task(context, **kwargs)
        await sync_to_async(connections.close_all)()

    errors = []

    def in_thread():
        try:
            asyncio.run(run())
        except Exception as error:  # reported to the test
            errors.append(error)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(timeout=DEADLINE)
    assert not thread.is_alive(), "the periodic task did not finish"
    if errors:
        raise errors[0]


def test_a_job_whose_worker_died_mid_send_is_taken_again_and_sent_once(settings, workers):
    hung = SilentServer()
    mail = MailServer(free_port())
    try:
        workers.env.update({"EMAIL_URL": f"smtp://127.0.0.1:{hung.port}", "EMAIL_TIMEOUT": "60"})
        doomed = workers.start()
        message = letter()
        wait_for(lambda: statuses() == ["doing"] and hung.accepted, what="the send begun", log=doomed.log)
        doomed.kill()
        assert statuses() == ["doing"]
        # PostgreSQL ends the dead worker's session, and its lock on the message, as the socket closes.
        wait_for(lambda: not other_sessions_in_transaction(), what="the dead worker's session gone")

        # Procrastinate takes a worker for dead after 30 s without a
        # heartbeat; rather than wait, its last heartbeat is dated back.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '5 minutes'")
        _as_the_worker_runs(retry_stalled_jobs, timestamp=int(time.time()))
        [job] = deliver_jobs()
        assert (job["status"], job["attempts"]) == ("todo", 1)
        assert states(message) == [(OutgoingMessage.State.QUEUED, 0)]

        # The next worker meets a refusing server once: the retry waits by
        # the message's attempts (its first failure), not the job's (its second run).
        mail.collector.refuse = True
        mail.start()
        workers.env.update({"EMAIL_URL": f"smtp://127.0.0.1:{mail.port}", "EMAIL_TIMEOUT": "5"})
        worker = workers.start()
        [job] = retries_due_now(1, worker)
        assert job["attempts"] == 2
        assert DELAYS[0] - 30 < (job["scheduled_at"] - timezone.now()).total_seconds() <= DELAYS[0]
        assert states(message) == [(OutgoingMessage.State.QUEUED, 1)]
        mail.collector.refuse = False

        wait_for(lambda: statuses() == ["succeeded"], what="the job succeeded", log=worker.log)
        assert states(message) == [(OutgoingMessage.State.SENT, 2)]
        assert [recipients for recipients, _ in mail.messages] == [["buh@example.ru"]]
    finally:
        hung.close()
        mail.stop()


def test_a_message_refused_every_time_fails_with_its_job_and_staff_send_it_again(mail_server, workers):
    mail_server.collector.refuse = True
    mail_server.start()
    worker = workers.start()
    message = letter()
    for attempt in range(1, MAX_ATTEMPTS):
        [job] = retries_due_now(1, worker)
        delay = (job["scheduled_at"] - timezone.now()).total_seconds()
        assert DELAYS[attempt - 1] - 30 < delay <= DELAYS[attempt - 1]
        assert states(message) == [(OutgoingMessage.State.QUEUED, attempt)]

    wait_for(lambda: statuses() == ["failed"], what="the job failed", log=worker.log)
    assert states(message) == [(OutgoingMessage.State.FAILED, MAX_ATTEMPTS)]
    assert "SMTPRecipientsRefused" in message.last_error
    assert mail_server.messages == []

    mail_server.collector.refuse = False
    staff = get_user_model().objects.create_superuser(username="operator", password="x-Staff-2024")
    admin = staff_client_for(staff)
    changelist = reverse("admin:outbox_outgoingmessage_changelist")
    response = admin.post(changelist, {"action": "resend", "_selected_action": [message.pk]})
    assert response.status_code == 302
    wait_for(lambda: statuses() == ["failed", "succeeded"], what="the new job succeeded", log=worker.log)
    assert states(message) == [(OutgoingMessage.State.SENT, 1)]
    assert [recipients for recipients, _ in mail_server.messages] == [["buh@example.ru"]]


def test_codes_and_links_overtake_bulk_letters_queued_before_them(mail_server, twilio, workers):
    mail_server.start()
    workers.env.update(twilio.settings)
    bulk = [letter(to=f"abonent{number}@example.ru") for number in range(5)]
    code = sms_queue(name="registration-code", to="+79025550112", context={"code": "123456", "minutes": 5})
    link = letter(to="director@example.ru", secret=True)
    worker = workers.start(concurrency=1)

    wait_for(lambda: statuses() == ["succeeded"] * 7, what="every job succeeded", log=worker.log)
    order = list(OutgoingMessage.objects.order_by("sent_at").values_list("pk", flat=True))
    assert set(order[:2]) == {code.pk, link.pk}
    assert order[2:] == [message.pk for message in bulk]
    [request] = twilio.received
    assert request["form"]["To"] == ["+79025550112"] and "123456" in request["form"]["Body"][0]
    assert len(mail_server.messages) == 6


class SlowCollector(SMTPCollector):
    """Takes a second to accept each letter."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(1)
        return await super().handle_DATA(server, session, envelope)


def test_two_jobs_for_one_message_at_once_send_it_once(workers):
    mail = MailServer(free_port(), SlowCollector())
    mail.start()
    try:
        workers.env["EMAIL_URL"] = f"smtp://127.0.0.1:{mail.port}"
        message = letter()
        deliver.defer(message_id=message.pk)  # a second job for it, as a double defer would make
        worker = workers.start(concurrency=2)

        wait_for(lambda: states(message)[0][0] == OutgoingMessage.State.SENT, what="sent", log=worker.log)
        wait_for(lambda: "doing" not in statuses(), what="both jobs done with", log=worker.log)
        assert len(mail.messages) == 1
        # The job that found the message being sent comes back later to make sure it went.
        retries_due_now(1, worker)
        wait_for(lambda: statuses() == ["succeeded"] * 2, what="both jobs succeeded", log=worker.log)
        assert states(message) == [(OutgoingMessage.State.SENT, 1)]
        assert len(mail.messages) == 1
    finally:
        mail.stop()
