"""Every change of a contract's contacts raises its `data_version`, whoever
writes (the cabinet, admin): "Реквизиты и контакты" is kept whole in the
cache under it (enser_cabinet/versioned.py), as the ledger tabs are."""

from django.db import migrations

from enser_cabinet.data_version import VersionTriggers

TRIGGERS = VersionTriggers(
    {"accounts_contactperson": "SELECT contract_id FROM changed"},
    {"accounts_contactperson": "{row}.contract_id"},
)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_journal_contract_added")]

    operations = [migrations.RunPython(TRIGGERS.create, TRIGGERS.drop)]
