"""seed_demo's data for the tests that only need it there.

Several dozen tests (browser journeys, the settlements pages) start from
the demo customers; seed_demo builds their years of history row by row,
close to a second each time. Its first run in a test database is copied out
table by table (COPY), and later runs on the same empty database copy the
very same rows back in: the same ids, the same values, the same letters
waiting in the queue. The tests of seed_demo itself run the command.

The copy is used only when nothing could make seed_demo's result differ:
the database holds no rows of its own (the tables migrate fills aside),
the day and the password hashers are those of the first run, and the clock
is the real one (a test that moves it gets the command).
"""

import io

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from tests.flush import KEPT
from tests.queue import queue_note

_REAL_NOW = timezone.now
# Filled by migrate, equal before and after seed_demo.
_UNTOUCHED = {*KEPT, "django_migrations"}


class DemoSeed:
    def __init__(self) -> None:
        self.key: tuple | None = None
        self.rows: list[tuple[str, bytes]] = []
        self.copies = 0  # how many times the rows were copied back rather than built

    def __call__(self) -> None:
        """seed_demo's data in the current database."""
        if not self._copyable():
            return _seed()
        empty = not self._tables_with_rows()
        key = (connection.settings_dict["NAME"], timezone.localdate(), tuple(settings.PASSWORD_HASHERS))
        if empty and key == self.key:
            self._copy_in()
            return
        _seed()
        if empty:
            self.rows = self._copy_out()
            self.key = key

    @staticmethod
    def _copyable() -> bool:
        if connection.vendor != "postgresql" or timezone.now is not _REAL_NOW:
            return False
        # Rows are copied back with the triggers off (they ran when the rows
        # were first written): a superuser's right, as the test databases' owner has.
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        return bool(row and row[0])

    @staticmethod
    def _tables() -> list[str]:
        return sorted(t for t in connection.introspection.table_names() if t not in _UNTOUCHED)

    def _tables_with_rows(self) -> list[str]:
        quote = connection.ops.quote_name
        sql = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {quote(t)})"  # noqa: S608 — names from introspection
            for t in self._tables()
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [row[0] for row in cursor.fetchall()]

    def _copy_out(self) -> list[tuple[str, bytes]]:
        quote = connection.ops.quote_name
        rows = []
        with connection.cursor() as cursor:
            for table in self._tables_with_rows():
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                    rows.append((table, b"".join(bytes(block) for block in copy)))
        return rows

    def _copy_in(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, data in self.rows:
                with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        self.copies += 1
        # The demo's letters wait in the queue, as seed_demo leaves them.
        if any(table == "outbox_outgoingmessage" for table, _ in self.rows):
            queue_note()


def _seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


demo_seed = DemoSeed()
