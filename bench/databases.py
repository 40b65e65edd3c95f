"""Each benchmark's own database, next to the one DATABASE_URL names."""

import sys
from urllib.parse import urlsplit, urlunsplit


def _on(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_make(url: str, name: str) -> str:
    """Drops and creates `name` on the server of `url`; returns its URL."""
    import psycopg
    from psycopg import sql

    if not urlsplit(url).scheme.startswith(("postgres", "pgsql")):
        sys.exit("Бенчмарки работают на PostgreSQL: задайте DATABASE_URL=postgres://…")
    with psycopg.connect(_on(url, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _on(url, name)


def database_drop(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_on(url, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
