"""Every change of a contract's meters or their readings raises the
contract's `data_version`, whoever writes: the cabinet, admin, an import's
set-based SQL. The cabinet's meters table is cached under it
(enser_cabinet/versioned.py). The same triggers as settlements migration
0004: per statement with transition tables on PostgreSQL, per row on SQLite.
"""

from django.db import migrations

# table -> SQL for the ids of the contracts of the rows in `changed`.
CONTRACTS_OF = {
    "meters_meter": "SELECT contract_id FROM changed",
    "meters_reading": "SELECT m.contract_id FROM meters_meter m WHERE m.id IN (SELECT meter_id FROM changed)",
}
# SQLite: the contract of one row, NEW or OLD.
CONTRACT_OF_ROW = {
    "meters_meter": "{row}.contract_id",
    "meters_reading": "(SELECT contract_id FROM meters_meter WHERE id = {row}.meter_id)",
}
# PostgreSQL trigger name suffix -> (event, transition table).
PG_TRIGGERS = {
    "insert": ("INSERT", "NEW"),
    "update_new": ("UPDATE", "NEW"),
    "update_old": ("UPDATE", "OLD"),
    "delete": ("DELETE", "OLD"),
}
SQLITE_TRIGGERS = {"insert": ("INSERT", ["NEW"]), "update": ("UPDATE", ["NEW", "OLD"]), "delete": ("DELETE", ["OLD"])}


def _postgresql(table: str) -> list[str]:
    function = f"{table}_data_version"
    statements = [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE accounts_contract SET data_version = data_version + 1 WHERE id IN ({CONTRACTS_OF[table]}); "
        f"RETURN NULL; END $$"
    ]
    for suffix, (event, rows) in PG_TRIGGERS.items():
        statements.append(
            f"CREATE TRIGGER {table}_data_version_{suffix} AFTER {event} ON {table} "
            f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _sqlite(table: str) -> list[str]:
    statements = []
    for suffix, (event, rows) in SQLITE_TRIGGERS.items():
        contracts = ", ".join(CONTRACT_OF_ROW[table].format(row=row) for row in rows)
        statements.append(
            f"CREATE TRIGGER {table}_data_version_{suffix} AFTER {event} ON {table} FOR EACH ROW BEGIN "
            f"UPDATE accounts_contract SET data_version = data_version + 1 WHERE id IN ({contracts}); END"
        )
    return statements


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in CONTRACTS_OF:
        for statement in _postgresql(table) if vendor == "postgresql" else _sqlite(table):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in CONTRACTS_OF:
        for suffix in PG_TRIGGERS if postgresql else SQLITE_TRIGGERS:
            on = f" ON {table}" if postgresql else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{suffix}{on}")
        if postgresql:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_data_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_contract_data_version"),
        ("meters", "0002_reading_reading_import_per_day"),
    ]

    operations = [migrations.RunPython(create, drop)]
