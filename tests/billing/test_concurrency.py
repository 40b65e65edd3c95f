"""Two imports never interleave: the second waits for the first, or with
--no-wait refuses at once."""

import threading
import time

import pytest
from django.core.management.base import CommandError
from django.db import connection, transaction

from accounts.models import Contract
from billing.loader import LOCK_KEY
from billing.models import ImportRun
from tests.billing.conftest import run_import, summary

pytestmark = pytest.mark.django_db(transaction=True)
PATIENCE = 60  # seconds; only a broken lock makes a test wait this long


class LockHolder(threading.Thread):
    """Another import, as far as the lock sees it: a transaction holding it."""

    def __init__(self):
        super().__init__(daemon=True)
        self.acquired = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                self.acquired.set()
                self.release.wait(PATIENCE)
        finally:
            connection.close()


@pytest.fixture
def holder():
    thread = LockHolder()
    thread.start()
    assert thread.acquired.wait(PATIENCE)
    yield thread
    thread.release.set()
    thread.join(PATIENCE)


def waiting_on_the_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_no_wait_refuses_while_another_import_runs(holder, sample):
    with pytest.raises(CommandError) as failure:
        run_import(sample, "--no-wait")
    assert str(failure.value).endswith(":\nИдёт другая загрузка данных биллинга; повторите позже.")
    assert not Contract.objects.exists()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED and "повторите позже" in run.errors


def test_the_second_import_waits_for_the_first(holder, sample):
    outcome = {}

    def second_import() -> None:
        try:
            outcome["output"] = run_import(sample)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    importer = threading.Thread(target=second_import, daemon=True)
    importer.start()
    deadline = time.monotonic() + PATIENCE
    while not waiting_on_the_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting_on_the_lock() == 1
    assert importer.is_alive() and not Contract.objects.exists()

    holder.release.set()
    importer.join(PATIENCE)
    assert not importer.is_alive()
    assert "error" not in outcome, outcome
    assert summary(outcome["output"])["договоры"] == (3, 0, 0, 0)
    assert Contract.objects.count() == 3


def test_without_another_import_no_wait_loads(sample):
    assert summary(run_import(sample, "--no-wait"))["договоры"] == (3, 0, 0, 0)
