"""Serving under load: `python -m bench.load` (`make bench-load`).

Serves the cabinet as `make serve` does (gunicorn, DEBUG=false, PostgreSQL,
Redis, persistent connections) from a database of its own: the demo data
plus 20 000 generated contracts with ten years of monthly two-line invoices
and payments. In the same run it serves two reference pages: the stack's
ceiling (a view doing one `SELECT 1`) and a plain authenticated Django page
with a 60-row table. Signed in as 12345-ЭС, wrk drives each address at 16
connections from its own process after a warm-up, and the table gives
requests per second, p50 and p99 latency, errors, and the ratio to the
ceiling. The sign-in form is also posted, with the right password, by wrk
(a Lua script): every answer is a new session. One address signing in
thousands of times would meet the sign-in rate limits, so the benchmark's
server has them lifted (RATE_SIGN_IN_IP, RATE_SIGN_IN_CONTRACT). A statement
made for the first time is timed apart: it is the one page wrk cannot
repeat (a repeated one comes from the cache). An answer counts as an error
when it is not 2xx/3xx or takes over 10 s, as a browser would give up, not
wrk's default 2 s: sixteen sign-ins at once queue their password hashes on
two cores for about 2 s.

Needs wrk (`apt-get install wrk`). The database named by DATABASE_URL is
left alone: the benchmark creates `<name>_bench_load` next to it and drops
it at the end unless --keep.
"""

import argparse
import datetime as dt
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.databases import database_drop, database_make

ROOT = Path(__file__).resolve().parent.parent
FIRST_NUMBER = 20000  # generated contracts are 20000-ЭС, 20001-ЭС, …
CONTRACT, PASSWORD = "12345-ЭС", "Enser-2021"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _period(years: int, today: dt.date) -> str:
    end = dt.date(today.year - 1, 12, 31)
    start = dt.date(end.year - years + 1, 1, 1)
    return urllib.parse.urlencode({"start": f"{start:%d.%m.%Y}", "end": f"{end:%d.%m.%Y}"})


def history_generate(*, contracts: int, months: int, today: dt.date) -> None:
    """Organizations and contracts through the ORM (every column as the
    models say), then their invoices, lines and payments in set-based SQL."""
    from django.db import connection, transaction

    from accounts.models import Contract, Organization
    from enser_cabinet.dates import month_start

    start = month_start(today, -months)  # the last month billed is last month
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            [
                Organization(
                    inn=f"74{index:08d}",
                    kpp="745301001",
                    name=f"ООО «Нагрузка-{index}»",
                    legal_address="Челябинск",
                )
                for index in range(contracts)
            ],
            batch_size=5000,
        )
        Contract.objects.bulk_create(
            [
                Contract(number=f"{FIRST_NUMBER + index}-ЭС", organization=organization, signed_on=start)
                for index, organization in enumerate(organizations)
            ],
            batch_size=5000,
        )
        numbers = [f"{FIRST_NUMBER}-ЭС", f"{FIRST_NUMBER + contracts}-ЭС"]
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO settlements_invoice"
                " (contract_id, date, number, operation_type, amount, vat_amount)"
                " SELECT c.id, (%s::date + make_interval(months => m + 1) - interval '1 day')::date,"
                " 'ЭРО-' || c.id || '-' || m, 'Окончательный счет', 2400.00, 400.00"
                " FROM accounts_contract c CROSS JOIN generate_series(0, %s - 1) m"
                " WHERE c.number >= %s AND c.number < %s",
                [start, months, *numbers],
            )
            cursor.execute(
                "INSERT INTO settlements_invoiceline (invoice_id, position, installation, address, tariff,"
                " unit, quantity, price, amount, vat_amount, vat_rate, total, rate_kind, period_amount)"
                " SELECT i.id, p, 'Нежилое помещение', 'г. Челябинск, ул. Кирова',"
                " CASE p WHEN 1 THEN 'Тепловая энергия' ELSE 'ГВС (теплоноситель)' END,"
                " CASE p WHEN 1 THEN 'Гкал' ELSE 'м³' END, 1, 1000.00, 1000.00, 200.00, 20.00, 1200.00, '', 0"
                " FROM settlements_invoice i JOIN accounts_contract c ON c.id = i.contract_id"
                " CROSS JOIN generate_series(1, 2) p"
                " WHERE c.number >= %s AND c.number < %s",
                numbers,
            )
            cursor.execute(
                "INSERT INTO settlements_payment (contract_id, date, amount, operation_type, document_number)"
                " SELECT c.id, (%s::date + make_interval(months => m + 1, days => 9))::date, 2000.00,"
                " 'Оплата', 'ПП-' || c.id || '-' || m"
                " FROM accounts_contract c CROSS JOIN generate_series(0, %s - 1) m"
                " WHERE c.number >= %s AND c.number < %s",
                [start, months, *numbers],
            )


@dataclass
class Measured:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(
    name: str,
    url: str,
    cookie: str,
    *,
    seconds: int,
    connections: int,
    warm_up: int = 3,
    script: Path | None = None,
) -> Measured:
    command = ["wrk", "-t2", f"-c{connections}", "--timeout", "10s", "--latency"]
    command += ["-H", f"Cookie: {cookie}", url]
    if script is not None:
        command[-1:-1] = ["-s", str(script)]
    subprocess.run([*command[:3], f"-d{warm_up}s", *command[3:]], check=True, capture_output=True)
    output = subprocess.run(
        [*command[:3], f"-d{seconds}s", *command[3:]], check=True, capture_output=True, text=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return Measured(name, rate, _ms(latency["50"]), _ms(latency["99"]), errors)


def _sign_in_form(base: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar, str]:
    """The sign-in form opened as a browser opens it: the opener with its
    cookies (the CSRF cookie among them) and the form's filled-in body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    fields = {"csrfmiddlewaretoken": token, "contract_number": CONTRACT, "secret": PASSWORD}
    return opener, jar, urllib.parse.urlencode(fields)


def _cookie_header(jar: http.cookiejar.CookieJar) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def sign_in(base: str) -> str:
    """Signs in through the form, as a customer does; the Cookie header."""
    opener, jar, body = _sign_in_form(base)
    form = urllib.request.Request(  # noqa: S310
        f"{base}/login/", data=body.encode(), headers={"Referer": f"{base}/login/"}
    )
    opener.open(form)
    if "sessionid" not in {cookie.name for cookie in jar}:
        raise SystemExit("Не удалось войти как 12345-ЭС: проверьте демо-данные")
    return _cookie_header(jar)


def sign_in_script(base: str, folder: Path) -> tuple[str, Path]:
    """The sign-in form's POST as wrk sends it: a Lua script with the form's
    fields and CSRF token, and the Cookie header with its CSRF cookie."""
    _, jar, body = _sign_in_form(base)
    script = folder / "sign-in.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Referer"] = "{base}/login/"\n'
    )
    return _cookie_header(jar), script


def fetch_seconds(url: str, cookie: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie})) as response:  # noqa: S310
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url}: {response.status}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--seconds", type=int, default=20, help="how long wrk drives each address")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (more than 1: the gthread worker)"
    )
    parser.add_argument("--only", help="only the addresses whose label contains this (the ceiling always)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark's database")
    parser.add_argument(
        "--reuse", action="store_true", help="serve the database a --keep run left, without making it again"
    )
    options = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("Нужен wrk: apt-get install wrk")

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/enser")
    name = urlsplit(base).path.lstrip("/") + "_bench_load"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DATABASE_URL": (
            urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
            if options.reuse
            else database_make(base, name)
        ),
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
        # The sign-in POST is driven from one address, thousands of times.
        "RATE_SIGN_IN_IP": "1000000/m",
        "RATE_SIGN_IN_CONTRACT": "1000000/m",
    }
    os.environ.update(environment)
    import django

    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        *([] if options.reuse else [["seed_demo"]]),
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run([*manage, *command], cwd=ROOT, env=environment, check=True, capture_output=True)
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    started = time.perf_counter()
    if not options.reuse:
        history_generate(contracts=options.contracts, months=options.months, today=today)
    with connection.cursor() as cursor:
        if not options.reuse:
            cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    connection.close()
    cache.clear()
    print(
        f"База: {options.contracts:,} договоров × {options.months} месяцев, {size / 2**20:,.0f} МиБ,"
        f" подготовлена за {time.perf_counter() - started:.0f} с"
        + (" (от прошлого запуска)" if options.reuse else "")
    )

    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "enser_cabinet.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={options.workers}",
            *([f"--threads={options.threads}", "--worker-class=gthread"] if options.threads > 1 else []),
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{address}/healthz")  # noqa: S310
                break
            except urllib.error.HTTPError:
                # Serving: a kept database's jobs wait for a worker the
                # benchmark does not run, and /healthz says so (503).
                break
            except OSError:
                time.sleep(0.2)
        cookie = sign_in(address)
        one, five = _period(1, today), _period(5, today)
        targets = [
            ("SELECT 1 (потолок)", "/bench/ceiling/"),
            ("простая страница, 60 строк", "/bench/plain/"),
            ("вход (страница)", "/login/"),
            ("главная", "/"),
            ("взаиморасчеты, 1 год", f"/settlements/?{one}"),
            ("взаиморасчеты, 5 лет", f"/settlements/?{five}"),
            ("начисления, детально", f"/charges/?{one}&all=1"),
            ("оплаты", f"/payments/?{one}"),
            ("показания", "/readings/"),
            ("реквизиты", "/requisites/"),
            ("справка PDF из кэша", f"/settlements/statement.pdf?{one}"),
        ]
        if options.only:
            targets = [targets[0], *(target for target in targets[1:] if options.only in target[0])]
        first_pdf = [fetch_seconds(f"{address}/settlements/statement.pdf?{_period(years, today)}", cookie)
                     for years in (1, 2, 3)]  # fmt: skip
        results = []
        for label, path in targets:
            fetch_seconds(address + path, cookie)  # answers 200 before it is measured
            results.append(
                wrk(label, address + path, cookie, seconds=options.seconds, connections=options.connections)
            )
            if label == "вход (страница)":
                with tempfile.TemporaryDirectory() as folder:
                    csrf_cookie, script = sign_in_script(address, Path(folder))
                    results.append(
                        wrk(
                            "вход (POST, новый сеанс)",
                            f"{address}/login/",
                            csrf_cookie,
                            seconds=options.seconds,
                            connections=options.connections,
                            script=script,
                        )
                    )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not options.keep:
            database_drop(base, name)

    ceiling = results[0].requests_per_second
    print(
        f"\ngunicorn, {options.workers} workers"
        + (f" × {options.threads} threads (gthread)" if options.threads > 1 else "")
        + f"; wrk, {options.connections} соединений,"
        f" {options.seconds} с на адрес"
    )
    print(f"{'адрес':30} {'запр/с':>8} {'p50, мс':>8} {'p99, мс':>8} {'ошибок':>7} {'к потолку':>9}")
    for measured in results:
        print(
            f"{measured.name:30} {measured.requests_per_second:>8.0f} {measured.p50_ms:>8.1f}"
            f" {measured.p99_ms:>8.1f} {measured.errors:>7} {measured.requests_per_second / ceiling:>9.3f}"
        )
    print("справка PDF впервые (1, 2, 3 года): " + ", ".join(f"{seconds:.2f} с" for seconds in first_pdf))


if __name__ == "__main__":
    main()
