"""What a test compares to tell that rows were or were not written: each
table's rows as text, hashed, equal only if every row is."""

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper


def table_digests(tables: list[str], connection: BaseDatabaseWrapper | None = None) -> dict[str, str]:
    """Each of `tables` and its rows as text, hashed (an empty one as no text),
    in one statement."""
    if not tables:
        return {}
    connection = connection or default_connection
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {quote(t)} x"  # noqa: S608
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())
