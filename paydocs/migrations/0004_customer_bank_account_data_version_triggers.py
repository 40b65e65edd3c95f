"""An organization's bank account is shown on "Реквизиты и контакты" of
every contract of the organization, which is kept whole in the cache under
the contract's `data_version`: any change of the account raises the version
of each of them, whoever writes (the cabinet, admin)."""

from django.db import migrations

from enser_cabinet.data_version import VersionTriggers

TRIGGERS = VersionTriggers(
    {
        "paydocs_customerbankaccount": (
            "SELECT c.id FROM accounts_contract c WHERE c.organization_id IN (SELECT organization_id FROM changed)"
        )
    },
    {"paydocs_customerbankaccount": "SELECT id FROM accounts_contract WHERE organization_id = {row}.organization_id"},
)


class Migration(migrations.Migration):
    dependencies = [
        ("paydocs", "0003_payment_invoice_paid_by"),
        ("accounts", "0004_contract_data_version"),
    ]

    operations = [migrations.RunPython(TRIGGERS.create, TRIGGERS.drop)]
