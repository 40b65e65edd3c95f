"""Every change of a contract's meters or their readings raises the
contract's `data_version`, whoever writes: the cabinet, admin, an import's
set-based SQL. The cabinet's meters table is cached under it
(enser_cabinet/versioned.py). The same triggers as settlements migration
0004: per statement with transition tables on PostgreSQL, per row on SQLite.
"""

from django.db import migrations

from enser_cabinet.data_version import VersionTriggers

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
TRIGGERS = VersionTriggers(CONTRACTS_OF, CONTRACT_OF_ROW)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_contract_data_version"),
        ("meters", "0002_reading_reading_import_per_day"),
    ]

    operations = [migrations.RunPython(TRIGGERS.create, TRIGGERS.drop)]
