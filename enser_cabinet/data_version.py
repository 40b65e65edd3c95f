"""The database triggers that raise a contract's `data_version` on every
change of the rows it is drawn from, whoever writes: the cabinet, admin, the
billing import's set-based SQL. Whatever is cached of a contract is keyed by
that version (enser_cabinet/versioned.py).

On PostgreSQL the triggers are per statement and read the changed rows from
transition tables, so a bulk load raises each contract once per statement,
not once per row. SQLite (the embedded demo) has row triggers only.

Each app's migration names its tables and how to find the contract of their
rows, and runs `VersionTriggers(...).create` / `.drop`.

A bulk writer that raises the versions of the contracts it changed itself,
once, after its statements (the billing import, billing/loader.py), may turn
the triggers of `switchable` tables off for its own transaction:
`set_config(WRITER_RAISES, 'on', true)`, and back with `''`. Every other
transaction, and the same one once it turns them back on, goes through the
triggers as before.
"""

from dataclasses import dataclass

# The transaction-local setting a bulk writer turns the triggers off with.
WRITER_RAISES = "enser.data_version_by_writer"

# PostgreSQL trigger name suffix -> (event, transition table).
PG_TRIGGERS = {
    "insert": ("INSERT", "NEW"),
    "update_new": ("UPDATE", "NEW"),
    "update_old": ("UPDATE", "OLD"),
    "delete": ("DELETE", "OLD"),
}
SQLITE_TRIGGERS = {
    "insert": ("INSERT", ["NEW"]),
    "update": ("UPDATE", ["NEW", "OLD"]),
    "delete": ("DELETE", ["OLD"]),
}


@dataclass(frozen=True)
class VersionTriggers:
    # table -> SQL for the ids of the contracts of the rows in `changed` (PostgreSQL).
    contracts_of: dict[str, str]
    # table -> SQL for the contract (or contracts) of one row, `{row}` being NEW or OLD (SQLite).
    contract_of_row: dict[str, str]
    # PostgreSQL: the trigger functions leave the raising to a writer that
    # set WRITER_RAISES in its transaction.
    switchable: bool = False

    def _function(self, table: str, *, switchable: bool, replace: bool = False) -> str:
        skip = (
            f"IF current_setting('{WRITER_RAISES}', true) = 'on' THEN RETURN NULL; END IF; "
            if switchable
            else ""
        )
        return (
            f"CREATE {'OR REPLACE ' if replace else ''}FUNCTION {table}_data_version() "  # noqa: S608 (the migrations' own SQL)
            f"RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {skip}"
            f"UPDATE accounts_contract SET data_version = data_version + 1 "
            f"WHERE id IN ({self.contracts_of[table]}); RETURN NULL; END $$"
        )

    def _postgresql(self, table: str) -> list[str]:
        function = f"{table}_data_version"
        statements = [self._function(table, switchable=self.switchable)]
        for suffix, (event, rows) in PG_TRIGGERS.items():
            statements.append(
                f"CREATE TRIGGER {table}_data_version_{suffix} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        return statements

    def _sqlite(self, table: str) -> list[str]:
        statements = []
        for suffix, (event, rows) in SQLITE_TRIGGERS.items():
            # One IN per row: the SQL of a row may give several contracts.
            contracts = " OR ".join(f"id IN ({self.contract_of_row[table].format(row=row)})" for row in rows)
            statements.append(
                f"CREATE TRIGGER {table}_data_version_{suffix} AFTER {event} ON {table} FOR EACH ROW BEGIN "  # noqa: S608
                f"UPDATE accounts_contract SET data_version = data_version + 1 WHERE {contracts}; END"
            )
        return statements

    def create(self, apps, schema_editor) -> None:
        postgresql = schema_editor.connection.vendor == "postgresql"
        for table in self.contracts_of:
            for statement in self._postgresql(table) if postgresql else self._sqlite(table):
                schema_editor.execute(statement)

    def make_switchable(self, apps, schema_editor) -> None:
        """Replaces the PostgreSQL trigger functions by ones `switchable` says."""
        if schema_editor.connection.vendor == "postgresql":
            for table in self.contracts_of:
                schema_editor.execute(self._function(table, switchable=self.switchable, replace=True))

    def drop(self, apps, schema_editor) -> None:
        postgresql = schema_editor.connection.vendor == "postgresql"
        for table in self.contracts_of:
            for suffix in PG_TRIGGERS if postgresql else SQLITE_TRIGGERS:
                on = f" ON {table}" if postgresql else ""
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{suffix}{on}")
            if postgresql:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_data_version()")
