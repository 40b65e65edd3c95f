"""seed_demo's data for the tests that only need it there.

Several dozen tests (browser journeys, the settlements pages) start from
the demo customers; seed_demo builds their years of history row by row,
close to a second each time. Its first run in a test database is copied out
table by table (COPY), and later runs on the same empty database copy the
very same rows back in: the same ids, the same values, the same letters
waiting in the queue. The tests of seed_demo itself run the command.

The copy is used only when nothing could make seed_demo's result differ:
the database holds the very rows it held before that first run (the
reference lists migrate fills, or nothing once a transactional test has
emptied them), the day and the password hashers are the same, and the clock
is the real one (a test that moves it gets the command).
"""

import io

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from tests.flush import KEPT
from tests.queue import queue_note
from tests.tables import table_digests

_REAL_NOW = timezone.now
# Filled by migrate, equal before and after seed_demo.
_UNTOUCHED = {*KEPT, "django_migrations"}


class DemoSeed:
    def __init__(self) -> None:
        # What the database held before seed_demo -> the tables it changed, as they were after it.
        self.rows: dict[tuple, list[tuple[str, bytes]]] = {}
        self.copies = 0  # how many times the rows were copied back rather than built

    def __call__(self) -> None:
        """seed_demo's data in the current database."""
        if not self._copyable():
            return _seed()
        before = self._state()
        key = (
            connection.settings_dict["NAME"],
            timezone.localdate(),
            tuple(settings.PASSWORD_HASHERS),
            tuple(sorted(before.items())),
        )
        if key in self.rows:
            self._copy_in(self.rows[key], emptied=set(before))
            return
        _seed()
        after = self._state()
        if set(before) <= set(after):
            self.rows[key] = self._copy_out([t for t in after if after[t] != before.get(t)])

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

    def _state(self) -> dict[str, str]:
        """Each table that has rows, and its rows as text, hashed."""
        return table_digests(self._tables_with_rows())

    @staticmethod
    def _copy_out(tables: list[str]) -> list[tuple[str, bytes]]:
        quote = connection.ops.quote_name
        rows = []
        with connection.cursor() as cursor:
            for table in tables:
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                    rows.append((table, b"".join(bytes(block) for block in copy)))
        return rows

    def _copy_in(self, rows: list[tuple[str, bytes]], *, emptied: set[str]) -> None:
        """The tables as seed_demo left them: those that had rows before it
        (reference lists it added to) are emptied first."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, data in rows:
                if table in emptied:
                    cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 — names from introspection
                with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        self.copies += 1
        # The demo's letters wait in the queue, as seed_demo leaves them.
        if any(table == "outbox_outgoingmessage" for table, _ in rows):
            queue_note()


def _seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


demo_seed = DemoSeed()
