"""Real queue workers for the outbox's tests: `manage.py procrastinate worker`
as a subprocess on the test database (so it can be killed), a mail server
that can go down and come back on the same port, one that accepts and never
answers, and polling with a deadline.

A real worker has its own connection: these tests commit their data
(`django_db(transaction=True)`) and are marked `real_worker`, so that the
suite's after-request drain (tests/queue.py) leaves the queue to the worker.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.accounts.test_sms_backends import SENDER, SID, TOKEN, FakeTwilio
from tests.appeals.conftest import choices, media_root  # noqa: F401 (fixtures: the appeal form's choices)
from tests.conftest import SMTPCollector

ROOT = Path(__file__).resolve().parents[2]
# Short enough for the tests to stay quick, generous for a loaded machine.
DEADLINE = 20.0


def wait_for(condition: Callable[[], object], *, what: str, timeout: float = DEADLINE, log=None) -> object:
    """Polls `condition` until it is true; fails naming `what` (and the worker's log) after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            tail = f"\n--- worker log ---\n{log()}" if log else ""
            pytest.fail(f"not within {timeout:.0f} s: {what}{tail}")
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (with pytest-xdist's suffix), as DATABASE_URL says it."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One `manage.py procrastinate worker` process."""

    def __init__(self, *, env: dict[str, str], log_path: Path, concurrency: int):
        self.log_path = log_path
        self.log_file = log_path.open("ab")
        # The tests move a retry's time to now in the database, which sends
        # no notification: the worker looks for due jobs often.
        command = [sys.executable, "manage.py", "procrastinate", "worker", "--concurrency", str(concurrency)]
        command += ["--fetch-job-polling-interval", "0.05"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """As when the machine or the process dies: no chance to finish or unregister."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=DEADLINE)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()


class Workers:
    """Starts workers with the mail and SMS settings the test chose."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[Worker] = []
        self.env: dict[str, str] = {}

    def start(self, *, concurrency: int = 1, wait_ready: bool = True) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://{django_settings.EMAIL_HOST}:{django_settings.EMAIL_PORT}",
            "EMAIL_TIMEOUT": "5",
            "SMS_BACKEND": "locmem",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        before = workers_registered()
        worker = Worker(
            env=env, log_path=self.log_dir / f"worker-{len(self.started)}.log", concurrency=concurrency
        )
        self.started.append(worker)
        if wait_ready:
            wait_for(lambda: workers_registered() > before, what="the worker has started", log=worker.log)
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


def workers_registered() -> int:
    """The last worker's id: a new worker prunes dead ones as it registers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_workers")
        return cursor.fetchone()[0]


def queue_tables_empty() -> None:
    """Django's flush after a transactional test leaves Procrastinate's
    (unmanaged) tables alone: jobs left there would run in later tests."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_workers,"
            " procrastinate_periodic_defers CASCADE"
        )


@pytest.fixture
def committed(transactional_db) -> Iterator[None]:
    """Data and jobs committed for real, on a queue emptied before and after
    (other transactional tests leave their jobs there)."""
    queue_tables_empty()
    yield
    queue_tables_empty()


@pytest.fixture
def workers(committed, tmp_path) -> Iterator[Workers]:
    """Real workers on the committed test database, stopped at the end."""
    started = Workers(tmp_path)
    yield started
    started.stop_all()


class MailServer:
    """A real SMTP server (aiosmtpd) on a port of its own, which the test may
    stop and start again on that port; the collector keeps what arrived."""

    def __init__(self, port: int, collector: SMTPCollector | None = None):
        self.port = port
        self.collector = collector or SMTPCollector()
        self.controller = None

    @property
    def messages(self) -> list:
        return self.collector.messages

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server(settings) -> Iterator[MailServer]:
    """Down until the test starts it; Django's SMTP backend points at its port."""
    server = MailServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


class SilentServer:
    """Accepts connections and never says a word, as a hung mail server."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(conn)

    def close(self) -> None:
        self.closing.set()
        self.thread.join(timeout=DEADLINE)
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_mail_server(settings) -> Iterator[SilentServer]:
    server = SilentServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.close()


class Twilio(FakeTwilio):
    """Its own received list and status: tests of FakeTwilio change that class's."""

    received: list = []
    status = 201


@pytest.fixture
def twilio(settings) -> Iterator[type[Twilio]]:
    """The loopback Twilio API (tests/accounts/test_sms_backends.py), for the
    test's process and its workers."""
    Twilio.received = []
    Twilio.status = 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), Twilio)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    twilio_settings = {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM": SENDER,
        "TWILIO_API_BASE": f"http://127.0.0.1:{server.server_address[1]}",
    }
    for name, value in twilio_settings.items():
        setattr(settings, name, value)
    Twilio.settings = twilio_settings
    yield Twilio
    server.shutdown()
    server.server_close()
