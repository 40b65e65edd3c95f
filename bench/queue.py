"""Letters through the job queue: how fast they are queued, how fast one and
two workers send them to a local SMTP server, and how long a letter waits
from its commit to its delivery.

    python -m bench queue [--letters 10000] [--concurrency 4] [--rate 25 --seconds 20]

Three runs, each on an empty queue:
1. `--letters` letters queued one by one (each its own transaction, as pages
   queue them), then sent by one worker process started on the backlog;
2. as many fresh ones, sent by two worker processes;
3. a steady arrival of `--rate` letters a second for `--seconds` seconds
   with one worker running, for the latency a letter meets when no backlog
   is in front of it.
Latency is a letter's `sent_at` less its `created_at` (set just before its
commit). Sending rates count from the moment the workers are registered.

It runs on a database of its own (`--database`, `bench_queue` by default) on
the server of DATABASE_URL, made afresh by migrate and dropped at the end.
The SMTP server is aiosmtpd in this process; the workers are `manage.py
procrastinate worker --concurrency N` processes that keep their database
connection (CONN_MAX_AGE=600, as production with DEBUG off).
"""

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.databases import database_drop, database_make

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = "password-reset"
CONTEXT = {"contract": {"number": "12345-ЭС"}, "link": "https://lk.example/reset/MQ/token/", "hours": 24}


@dataclass
class Run:
    name: str
    letters: int
    sent: int  # marked sent in the outbox
    delivered: int  # received by the SMTP server
    queue_per_second: float
    send_per_second: float
    p50: float
    p99: float
    worst: float


class Counter:
    """An SMTP handler that accepts every letter and counts it."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 Message accepted"


def queue_empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE outbox_outgoingmessage, procrastinate_jobs, procrastinate_events,"
            " procrastinate_periodic_defers CASCADE"
        )


def letter_queue(number: int) -> None:
    from outbox.services import email_queue

    email_queue(name=TEMPLATE, to=[f"abonent{number}@example.ru"], context=CONTEXT)


def workers_start(count: int, concurrency: int) -> list[subprocess.Popen]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_workers")
        before = cursor.fetchone()[0]
    command = [sys.executable, "manage.py", "procrastinate", "worker", "--concurrency", str(concurrency)]
    workers = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]
    deadline = time.monotonic() + 60
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM procrastinate_workers WHERE id > %s", [before])
            if cursor.fetchone()[0] >= count:
                return workers
        if time.monotonic() > deadline or any(worker.poll() is not None for worker in workers):
            workers_stop(workers)
            sys.exit("Обработчики очереди не запустились.")
        time.sleep(0.1)


def workers_stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def all_sent(letters: int, timeout: float) -> bool:
    from outbox.models import OutgoingMessage

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutgoingMessage.objects.filter(state=OutgoingMessage.State.SENT).count() >= letters:
            return True
        if OutgoingMessage.objects.filter(state=OutgoingMessage.State.FAILED).exists():
            return False
        time.sleep(0.2)
    return False


def run_measure(
    *, name: str, letters: int, counter: Counter, queued_in: float, started, timeout: float
) -> Run:
    """Waits for every letter to be sent; their rates and latencies."""
    from outbox.models import OutgoingMessage

    all_sent(letters, timeout)
    sent = list(
        OutgoingMessage.objects.filter(state=OutgoingMessage.State.SENT).values_list("created_at", "sent_at")
    )
    waits = sorted((sent_at - created_at).total_seconds() for created_at, sent_at in sent) or [0.0]
    last = max((sent_at for _, sent_at in sent), default=started)
    time.sleep(0.5)  # a letter sent twice would arrive by now
    return Run(
        name=name,
        letters=letters,
        sent=len(sent),
        delivered=counter.count,
        queue_per_second=letters / queued_in,
        send_per_second=len(sent) / max((last - started).total_seconds(), 1e-6),
        p50=statistics.median(waits),
        p99=waits[round(0.99 * (len(waits) - 1))],
        worst=waits[-1],
    )


def backlog_run(*, workers: int, concurrency: int, letters: int, counter: Counter) -> Run:
    from django.utils import timezone

    queue_empty()
    counter.count = 0
    started = time.perf_counter()
    for number in range(letters):
        letter_queue(number)
    queued_in = time.perf_counter() - started
    processes = workers_start(workers, concurrency)
    try:
        return run_measure(
            name=f"{letters} писем, обработчиков: {workers}",
            letters=letters,
            counter=counter,
            queued_in=queued_in,
            started=timezone.now(),
            timeout=60 + letters / 5,
        )
    finally:
        workers_stop(processes)


def steady_run(*, rate: float, seconds: float, concurrency: int, counter: Counter) -> Run:
    from django.utils import timezone

    queue_empty()
    counter.count = 0
    letters = round(rate * seconds)
    processes = workers_start(1, concurrency)
    try:
        started_at = timezone.now()
        started = time.perf_counter()
        for number in range(letters):
            time.sleep(max(0.0, started + number / rate - time.perf_counter()))
            letter_queue(number)
        queued_in = time.perf_counter() - started
        return run_measure(
            name=f"{rate:g} писем/с в течение {seconds:g} с, обработчиков: 1",
            letters=letters,
            counter=counter,
            queued_in=queued_in,
            started=started_at,
            timeout=60 + letters / 5,
        )
    finally:
        workers_stop(processes)


def table_print(runs: list[Run], concurrency: int) -> None:
    print(f"Очередь писем: локальный SMTP (aiosmtpd), обработчики с --concurrency {concurrency}")
    header = ["прогон", "писем", "принято SMTP", "в очередь, писем/с", "отправка, писем/с"]
    header += ["p50, с", "p99, с", "макс., с"]
    rows = [
        [
            run.name,
            str(run.letters),
            str(run.delivered),
            f"{run.queue_per_second:.0f}",
            f"{run.send_per_second:.0f}",
            f"{run.p50:.2f}",
            f"{run.p99:.2f}",
            f"{run.worst:.2f}",
        ]
        for run in runs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * width for width in widths], *rows]:
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))


@contextlib.contextmanager
def django_with_smtp(database: str) -> Iterator[Counter]:
    """Django set up on a database of its own (`database` on the server of
    DATABASE_URL, made afresh by migrate, dropped at the end) with letters
    going to an SMTP server (aiosmtpd) in this process, whose Counter is
    yielded; connections kept as production keeps them."""
    from aiosmtpd.controller import Controller

    base_url = os.environ.get("DATABASE_URL", "")
    url = database_make(base_url, database)
    counter = Counter()
    with socket.socket() as probe:  # a free port; the Controller needs one up front
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "enser_cabinet.settings",
            "DATABASE_URL": url,
            "CONN_MAX_AGE": "600",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "JOBS_INLINE": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        yield counter
        connections.close_all()
    finally:
        smtp.stop()
        database_drop(base_url, database)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench queue", description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=10_000, help="писем в прогонах с очередью (10 000)")
    parser.add_argument("--concurrency", type=int, default=4, help="параллельных отправок в обработчике (4)")
    parser.add_argument("--rate", type=float, default=25, help="писем в секунду в равномерном потоке (25)")
    parser.add_argument("--seconds", type=float, default=20, help="длительность равномерного потока, с (20)")
    parser.add_argument("--database", default="bench_queue", help="база бенчмарка (создаётся заново)")
    parser.add_argument("--json", type=Path, help="записать результаты в этот файл")
    options = parser.parse_args(argv)

    with django_with_smtp(options.database) as counter:
        runs = [
            backlog_run(workers=1, concurrency=options.concurrency, letters=options.letters, counter=counter),
            backlog_run(workers=2, concurrency=options.concurrency, letters=options.letters, counter=counter),
            steady_run(
                rate=options.rate, seconds=options.seconds, concurrency=options.concurrency, counter=counter
            ),
        ]
    table_print(runs, options.concurrency)
    if options.json:
        options.json.write_text(json.dumps([asdict(run) for run in runs], ensure_ascii=False, indent=2))
    missing = [run.name for run in runs if not run.letters == run.sent == run.delivered]
    if missing:
        sys.exit(f"Доставлены не все письма: {'; '.join(missing)}")
