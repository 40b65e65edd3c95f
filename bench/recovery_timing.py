"""Timing of "Забыли пароль?": whether the answer's time tells a registered
contract from an unregistered or an unknown one.

    python -m bench recovery [--samples 30] [--smtp-delay 0.2]

Each sample is one browser's recovery by letter: the contract number, then
«По электронной почте»; the second request is timed. The three cases
(registered 12345-ЭС, unregistered 54321-ЭС, unknown 77777-ЭС) are
interleaved, a round of the three per sample in a rotating order, so that
drift in the machine's load falls on all of them alike. The SMTP server
(aiosmtpd in this process) waits `--smtp-delay` seconds before it accepts a
letter: a letter sent while the page waits would show as that much more.
The medians and spreads (p10–p90, min–max) are printed per case; the
letters are then delivered from the queue, as a worker would, to show that
the registered contract's did go out (through the slow server, after the
answers) and nobody else's.

It runs on a database of its own (`--database`, `bench_recovery` by
default) on the server of DATABASE_URL, made afresh by migrate and dropped
at the end. Timings mean something only on a quiet machine.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import time
from pathlib import Path

from bench.databases import database_drop, database_make

CASES = {"12345-ЭС": "зарегистрирован", "54321-ЭС": "не зарегистрирован", "77777-ЭС": "нет такого"}


class SlowCounter:
    """An SMTP handler that takes `delay` seconds to accept each letter."""

    def __init__(self, delay: float):
        self.delay = delay
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def world_make() -> None:
    import datetime as dt

    from accounts.models import Contract, Membership, Organization, User

    registered = Organization.objects.create(name="ООО «Тепломонтаж»", inn="7453012342", kpp="745301001")
    other = Organization.objects.create(name="ООО «Уралтехсервис»", inn="7456009877", kpp="745601001")
    contract = Contract.objects.create(
        number="12345-ЭС",
        organization=registered,
        signed_on=dt.date(2021, 9, 27),
        registered_at=dt.datetime(2021, 10, 1, tzinfo=dt.UTC),
        registration_method="email",
    )
    Contract.objects.create(number="54321-ЭС", organization=other, signed_on=dt.date(2021, 9, 27))
    user = User.objects.create_user(
        username="12345-ЭС",
        contract=contract,
        email="buh@teplomontazh.example",
        password="Verno-2024!",  # noqa: S106 (bench data)
    )
    Membership.objects.create(user=user, contract=contract, role="admin")


def sample(number: str) -> tuple[float, int]:
    """One browser's recovery request by letter: seconds and status of its answer."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    first = client.post(reverse("accounts:password-reset"), {"contract_number": number})
    if first.status_code != 302:
        sys.exit(f"Первый шаг восстановления ответил {first.status_code}.")
    started = time.perf_counter()
    response = client.post(reverse("accounts:password-reset-send"), {"method": "email"})
    return time.perf_counter() - started, response.status_code


def jobs_run() -> int:
    """The queued jobs, run as the worker runs them (tests/queue.py does the same)."""
    from django.db import connection, transaction
    from procrastinate.contrib.django import app

    ran = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, task_name, args::text FROM procrastinate_jobs WHERE status = 'todo'"
                " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED"
            )
            row = cursor.fetchone()
            if row is None:
                return ran
            job_id, task_name, args = row
            cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [job_id])
        app.tasks[task_name](**json.loads(args))
        ran += 1


def spread(times: list[float]) -> dict:
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[round(share * (len(ordered) - 1))]

    return {
        "samples": len(ordered),
        "median_ms": statistics.median(ordered) * 1000,
        "p10_ms": at(0.1) * 1000,
        "p90_ms": at(0.9) * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench recovery", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=30, help="запросов на каждый случай (30)")
    parser.add_argument(
        "--smtp-delay", type=float, default=0.2, help="задержка SMTP-сервера на письмо, с (0,2)"
    )
    parser.add_argument("--database", default="bench_recovery", help="база бенчмарка (создаётся заново)")
    parser.add_argument("--json", type=Path, help="записать результаты в этот файл")
    options = parser.parse_args(argv)

    base_url = os.environ.get("DATABASE_URL", "")
    url = database_make(base_url, options.database)

    from aiosmtpd.controller import Controller

    counter = SlowCounter(options.smtp_delay)
    with socket.socket() as probe:  # a free port; the Controller needs one up front
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    many = f"{10 * options.samples * len(CASES)}/h"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "enser_cabinet.settings",
            "DATABASE_URL": url,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "JOBS_INLINE": "false",
            "LOG_LEVEL": "ERROR",
            # One address asks for all the samples: the limits must not be what is measured.
            "RATE_PASSWORD_RESET_IP": many,
            "RATE_PASSWORD_RESET_CONTRACT": many,
        }
    )
    try:
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        cache.clear()
        world_make()
        numbers = list(CASES)
        times: dict[str, list[float]] = {number: [] for number in numbers}
        statuses: dict[str, set[int]] = {number: set() for number in numbers}
        sample(numbers[0])  # warm-up: imports, templates, connections
        jobs_run()
        counter.recipients.clear()
        for index in range(options.samples):
            shift = index % len(numbers)
            for number in numbers[shift:] + numbers[:shift]:
                seconds, status = sample(number)
                times[number].append(seconds)
                statuses[number].add(status)
        delivered_from = time.perf_counter()
        jobs = jobs_run()
        delivery = time.perf_counter() - delivered_from
        connections.close_all()
    finally:
        smtp.stop()
        database_drop(base_url, options.database)

    results = {number: {"case": CASES[number], **spread(times[number])} for number in numbers}
    title = f"«Забыли пароль?» по e-mail: {options.samples} запросов на случай вперемешку"
    print(f"{title}, SMTP ждёт {options.smtp_delay:g} с")
    header = ["договор", "случай", "медиана, мс", "p10–p90, мс", "мин.–макс., мс", "статусы"]
    rows = [
        [
            number,
            row["case"],
            f"{row['median_ms']:.1f}",
            f"{row['p10_ms']:.1f}–{row['p90_ms']:.1f}",
            f"{row['min_ms']:.1f}–{row['max_ms']:.1f}",
            ",".join(map(str, sorted(statuses[number]))),
        ]
        for number, row in results.items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * width for width in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    medians = [row["median_ms"] for row in results.values()]
    print(f"разброс медиан: {max(medians) - min(medians):.1f} мс")
    letters = len(counter.recipients)
    after = f"после ответов из очереди выполнено заданий: {jobs}"
    print(f"{after}, писем принято SMTP: {letters} за {delivery:.1f} с")
    if options.json:
        payload = {
            "cases": results,
            "statuses": {n: sorted(s) for n, s in statuses.items()},
            "letters": letters,
        }
        options.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    if any(statuses[number] != {200} for number in numbers) or letters != options.samples:
        sys.exit("Ответы или письма не те, что ожидались: см. выше.")
