"""Emptying the database after a transactional test, cheaply.

Django's TransactionTestCase ends each test with `manage.py flush`: TRUNCATE
of every table (a new file for each table and index), then the post_migrate
signal to fill content types and permissions again. On the few rows a test
leaves, DELETE of only the tables that have rows does the same work for a
fraction of the cost. The tables post_migrate fills are kept as they were
after migrate; should a test change them, the flush falls back to Django's.

Foreign keys are deferred to the commit (Django creates them DEFERRABLE
INITIALLY DEFERRED), so the tables can be emptied in any order.
"""

from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.tables import table_digests

# Filled by post_migrate when the test database is built, refilled by Django's flush.
KEPT = ("django_content_type", "auth_permission")


class Flush:
    def __init__(self) -> None:
        self.tables: dict[str, list[str]] = {}
        self.kept: dict[str, str] = {}

    def _tables(self, connection: BaseDatabaseWrapper) -> list[str]:
        # What Django's flush empties: the tables of the installed apps' managed models.
        if connection.alias not in self.tables:
            names = connection.introspection.django_table_names(only_existing=True, include_views=False)
            self.tables[connection.alias] = sorted(set(names))
        return self.tables[connection.alias]

    def _kept_digest(self, connection: BaseDatabaseWrapper) -> str:
        kept = [t for t in KEPT if t in self._tables(connection)]
        digests = table_digests(kept, connection)
        return "".join(digests[t] for t in kept)

    def remember(self, connection: BaseDatabaseWrapper) -> None:
        """The content of the kept tables right after the test database is built."""
        if connection.vendor == "postgresql":
            self.kept[connection.alias] = self._kept_digest(connection)

    def with_rows(self, connection: BaseDatabaseWrapper) -> list[str]:
        """The tables the flush empties that have at least one row."""
        quote = connection.ops.quote_name
        sql = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {quote(t)})"  # noqa: S608 — names from introspection
            for t in self._tables(connection)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]

    def __call__(self, alias: str) -> None:
        connection = connections[alias]
        if connection.vendor != "postgresql" or alias not in self.kept:
            return django_flush(alias)
        if self._kept_digest(connection) != self.kept[alias]:
            django_flush(alias)
            self.remember(connection)
            return
        quote = connection.ops.quote_name
        doomed = [t for t in self.with_rows(connection) if t not in KEPT]
        if doomed:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                for table in doomed:
                    cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 — names from introspection


def django_flush(alias: str) -> None:
    """What TransactionTestCase does by default."""
    call_command("flush", verbosity=0, interactive=False, database=alias, reset_sequences=False)


flush = Flush()
