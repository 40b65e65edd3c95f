from django.db import migrations


def contract_accounts_to_administrators(apps, schema_editor):
    """Every account made at a contract's registration becomes that
    contract's administrator, so it keeps everything it could do."""
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    accounts = User.objects.filter(contract__isnull=False).values_list("pk", "contract_id", "date_joined")
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_id, contract_id=contract_id, role="admin", created_at=joined)
            for user_id, contract_id, joined in accounts.iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_membership"),
    ]

    operations = [
        migrations.RunPython(contract_accounts_to_administrators, migrations.RunPython.noop, elidable=False),
    ]
