"""Every change of a contract's invoices, invoice lines or payments raises
its `data_version`, whoever writes: the cabinet, admin, the billing import's
set-based SQL. Cached statements are keyed by it (settlements/cache.py).

On PostgreSQL the triggers are per statement and read the changed rows from
transition tables, so a bulk load raises each contract once per statement,
not once per row. SQLite (the embedded demo) has row triggers only.
"""

from django.db import migrations

# table -> SQL for the ids of the contracts of the rows in `changed`.
CONTRACTS_OF = {
    "settlements_invoice": "SELECT contract_id FROM changed",
    "settlements_payment": "SELECT contract_id FROM changed",
    "settlements_invoiceline": (
        "SELECT i.contract_id FROM settlements_invoice i WHERE i.id IN (SELECT invoice_id FROM changed)"
    ),
}
# SQLite: the contract of one row, NEW or OLD.
CONTRACT_OF_ROW = {
    "settlements_invoice": "{row}.contract_id",
    "settlements_payment": "{row}.contract_id",
    "settlements_invoiceline": "(SELECT contract_id FROM settlements_invoice WHERE id = {row}.invoice_id)",
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
        ("settlements", "0003_payment_payment_document_unique"),
    ]

    operations = [migrations.RunPython(create, drop)]
