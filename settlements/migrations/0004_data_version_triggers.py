"""Every change of a contract's invoices, invoice lines or payments raises
its `data_version`, whoever writes: the cabinet, admin, the billing import's
set-based SQL. Cached statements are keyed by it (settlements/cache.py).

On PostgreSQL the triggers are per statement and read the changed rows from
transition tables, so a bulk load raises each contract once per statement,
not once per row. SQLite (the embedded demo) has row triggers only.
"""

from django.db import migrations

from enser_cabinet.data_version import VersionTriggers

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
TRIGGERS = VersionTriggers(CONTRACTS_OF, CONTRACT_OF_ROW)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_contract_data_version"),
        ("settlements", "0003_payment_payment_document_unique"),
    ]

    operations = [migrations.RunPython(TRIGGERS.create, TRIGGERS.drop)]
