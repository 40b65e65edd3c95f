"""Where a cabinet page spends its time: `python -m bench.load_profile`.

Requests each page of the load benchmark many times through Django's test
client (the whole middleware stack, no HTTP server) with the production
settings, signed in as 12345-ЭС, on the database DATABASE_URL names (run
`manage.py migrate` and `manage.py seed_demo` on it first). Prints the
milliseconds per request of each page, wall clock and the process's CPU time
(steadier on a loaded machine), its database queries and Redis commands and,
with --profile, the functions cProfile finds most costly.
"""

import argparse
import cProfile
import datetime as dt
import os
import pstats
import secrets
import time

from bench.load import CONTRACT, _period


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--queries", action="store_true", help="print the SQL of each page")
    parser.add_argument("--only", help="only this address (without the query)")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    import redis
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    today = dt.date.today()
    one, five = _period(1, today), _period(5, today)
    targets = [
        ("/bench/plain/", "простая страница, 60 строк"),
        ("/", "главная"),
        (f"/settlements/?{one}", "взаиморасчеты, 1 год"),
        (f"/settlements/?{five}", "взаиморасчеты, 5 лет"),
        (f"/charges/?{one}&all=1", "начисления, детально"),
        (f"/payments/?{one}", "оплаты"),
        ("/readings/", "показания"),
        ("/requisites/", "реквизиты"),
        (f"/settlements/statement.pdf?{one}", "справка PDF из кэша"),
    ]
    client = Client()
    client.force_login(User.objects.get(contract__number=CONTRACT))
    for path, label in targets:
        if options.only and path.split("?")[0] != options.only:
            continue
        for _ in range(10):
            if (status := client.get(path).status_code) != 200:
                raise SystemExit(f"{path}: {status}")
        queries: list[str] = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        commands: list[str] = []
        execute_command = redis.Redis.execute_command

        def command(self, *args, commands=commands, execute_command=execute_command, **kwargs):
            commands.append(str(args[0]))
            return execute_command(self, *args, **kwargs)

        redis.Redis.execute_command = command
        try:
            with connection.execute_wrapper(count):
                client.get(path)
        finally:
            redis.Redis.execute_command = execute_command
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(options.requests):
            client.get(path)
        spent = (time.perf_counter() - started) / options.requests * 1000
        cpu = (time.process_time() - cpu) / options.requests * 1000
        print(
            f"{label:30} {spent:6.2f} мс/запрос, ЦП {cpu:5.2f} мс, запросов к БД: {len(queries)},"
            f" к Redis: {len(commands)} ({' '.join(commands)})"
        )
        if options.queries:
            for sql in queries:
                print(f"    {sql[:200]}")
        if options.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(options.requests):
                client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("tottime").print_stats(options.top)
            stats.sort_stats("cumulative").print_stats(options.top)


if __name__ == "__main__":
    main()
