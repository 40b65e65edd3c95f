"""Notifications at scale: the readings window opening for many contracts
with two people each (the administrator and the engineer, who both hear of
it by letter by default).

    python -m bench notices [--contracts 20000] [--concurrency 4]

Two runs, each from no notifications and an empty queue: the daily job's
work (`window_open_notify`) makes the notifications and queues their
letters, timed; then one worker process (the first run) or two (the
second) send the letters to a local SMTP server (aiosmtpd), timed from the
moment the workers are registered until the last letter is marked sent.
Running the job a second time is timed too: it must make nothing.

It runs on a database of its own (`--database`, `bench_notices` by
default) on the server of DATABASE_URL, made afresh and dropped at the end.
"""

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.queue import Counter, all_sent, django_with_smtp, workers_start, workers_stop

TODAY = dt.date(2026, 11, 1)  # the window (1st to 31st by default) opens


@dataclass
class Run:
    name: str
    contracts: int
    notifications: int
    letters_sent: int
    delivered: int
    queue_seconds: float
    again_seconds: float  # the same job run again: nothing made
    again_made: int
    drain_seconds: float

    @property
    def queue_per_second(self) -> float:
        return self.notifications / max(self.queue_seconds, 1e-6)

    @property
    def send_per_second(self) -> float:
        return self.letters_sent / max(self.drain_seconds, 1e-6)


def customers_make(contracts: int) -> None:
    """`contracts` registered contracts, each with a meter, its own account
    (Администратор) and an engineer, in bulk."""
    from django.utils import timezone

    from accounts.models import Contract, Membership, Organization, User
    from accounts.roles import Role
    from meters.models import Meter

    organization = Organization.objects.create(name="ООО «Нагрузка»", inn="7453012342", kpp="745301001")
    now = timezone.now()
    made = Contract.objects.bulk_create(
        [
            Contract(
                number=f"{n:05d}-ЭС",
                organization=organization,
                signed_on=dt.date(2021, 1, 1),
                registered_at=now,
                registration_method="email",
            )
            for n in range(1, contracts + 1)
        ],
        batch_size=2000,
    )
    people = []
    for contract in made:
        people.append(User(username=contract.number, contract=contract, email=f"a{contract.pk}@example.ru"))
        people.append(User(username=f"ing{contract.pk}@example.ru", email=f"ing{contract.pk}@example.ru"))
    for person in people:
        person.set_unusable_password()
    people = User.objects.bulk_create(people, batch_size=2000)
    Membership.objects.bulk_create(
        [
            Membership(user=person, contract=made[i // 2], role=Role.ADMIN if i % 2 == 0 else Role.ENGINEER)
            for i, person in enumerate(people)
        ],
        batch_size=2000,
    )
    Meter.objects.bulk_create(
        [
            Meter(
                contract=contract,
                serial_number=f"Б-{contract.pk}",
                resource=Meter.Resource.HEAT,
                address="г. Миасс, ул. Калинина, д. 12",
                verification_due=dt.date(2035, 1, 1),
            )
            for contract in made
        ],
        batch_size=2000,
    )


def notices_empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notices_notification, outbox_outgoingmessage, procrastinate_jobs, procrastinate_events,"
            " procrastinate_periodic_defers CASCADE"
        )


def window_run(*, contracts: int, workers: int, concurrency: int, counter: Counter) -> Run:
    from django.utils import timezone

    from notices.periodic import window_open_notify

    notices_empty()
    counter.count = 0
    started = time.perf_counter()
    made = window_open_notify(today=TODAY)
    queued = time.perf_counter() - started
    started = time.perf_counter()
    again = window_open_notify(today=TODAY)
    again_seconds = time.perf_counter() - started

    processes = workers_start(workers, concurrency)
    try:
        began = timezone.now()
        all_sent(made, timeout=120 + made / 5)
        from outbox.models import OutgoingMessage

        sent = OutgoingMessage.objects.filter(state=OutgoingMessage.State.SENT)
        last = max(sent.values_list("sent_at", flat=True), default=began)
        letters = sent.count()
        time.sleep(0.5)  # a letter sent twice would arrive by now
    finally:
        workers_stop(processes)
    return Run(
        name=f"обработчиков: {workers}",
        contracts=contracts,
        notifications=made,
        letters_sent=letters,
        delivered=counter.count,
        queue_seconds=queued,
        again_seconds=again_seconds,
        again_made=again,
        drain_seconds=max((last - began).total_seconds(), 0.0),
    )


def table_print(runs: list[Run], concurrency: int) -> None:
    print(f"Открытие приема показаний: 2 человека на договор, SMTP (aiosmtpd), --concurrency {concurrency}")
    header = ["прогон", "договоров", "уведомлений", "в очередь, с", "уведомл./с", "повтор, с"]
    header += ["отправка, с", "писем/с", "принято SMTP"]
    rows = [
        [
            run.name,
            str(run.contracts),
            str(run.notifications),
            f"{run.queue_seconds:.2f}",
            f"{run.queue_per_second:.0f}",
            f"{run.again_seconds:.2f}",
            f"{run.drain_seconds:.2f}",
            f"{run.send_per_second:.0f}",
            str(run.delivered),
        ]
        for run in runs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * width for width in widths], *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench notices", description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=20_000, help="договоров (20 000), по 2 человека")
    parser.add_argument("--concurrency", type=int, default=4, help="параллельных отправок в обработчике (4)")
    parser.add_argument("--database", default="bench_notices", help="база бенчмарка (создаётся заново)")
    parser.add_argument("--json", type=Path, help="записать результаты в этот файл")
    options = parser.parse_args(argv)

    with django_with_smtp(options.database) as counter:
        customers_make(options.contracts)
        runs = [
            window_run(
                contracts=options.contracts, workers=count, concurrency=options.concurrency, counter=counter
            )
            for count in (1, 2)
        ]
    table_print(runs, options.concurrency)
    if options.json:
        options.json.write_text(
            json.dumps(
                [
                    asdict(run)
                    | {"queue_per_second": run.queue_per_second, "send_per_second": run.send_per_second}
                    for run in runs
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    wrong = [
        run.name
        for run in runs
        if not (run.notifications == run.letters_sent == run.delivered) or run.again_made
    ]
    if wrong:
        sys.exit(f"Не все письма доставлены ровно один раз: {'; '.join(wrong)}")
