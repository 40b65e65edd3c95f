"""The data_version triggers of invoices, invoice lines and payments may be
turned off by a bulk writer for its own transaction, which then raises each
contract it changed once (the billing import: enser_cabinet/data_version.py).
Every other writer goes through the triggers as before."""

from dataclasses import replace

from django.db import migrations

from enser_cabinet.data_version import VersionTriggers

# As in 0004_data_version_triggers.
CONTRACTS_OF = {
    "settlements_invoice": "SELECT contract_id FROM changed",
    "settlements_payment": "SELECT contract_id FROM changed",
    "settlements_invoiceline": (
        "SELECT i.contract_id FROM settlements_invoice i WHERE i.id IN (SELECT invoice_id FROM changed)"
    ),
}
CONTRACT_OF_ROW = {
    "settlements_invoice": "{row}.contract_id",
    "settlements_payment": "{row}.contract_id",
    "settlements_invoiceline": "(SELECT contract_id FROM settlements_invoice WHERE id = {row}.invoice_id)",
}
SWITCHABLE = VersionTriggers(CONTRACTS_OF, CONTRACT_OF_ROW, switchable=True)
FIXED = replace(SWITCHABLE, switchable=False)


class Migration(migrations.Migration):
    dependencies = [("settlements", "0005_payment_purpose")]

    operations = [migrations.RunPython(SWITCHABLE.make_switchable, FIXED.make_switchable)]
