"""An issued «Счёт на оплату» knows the payment that paid it. The issued
invoices and their state are on the cached «Оплаты» page, so every change of
an invoice raises its contract's data_version, as a payment's does."""

import django.db.models.deletion
from django.db import migrations, models

from enser_cabinet.data_version import VersionTriggers

TRIGGERS = VersionTriggers(
    {"paydocs_paymentinvoice": "SELECT contract_id FROM changed"},
    {"paydocs_paymentinvoice": "{row}.contract_id"},
)


class Migration(migrations.Migration):
    dependencies = [
        ("paydocs", "0002_customer_bank_accounts"),
        ("settlements", "0005_payment_purpose"),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentinvoice",
            name="paid_by",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="payment_invoice",
                to="settlements.payment",
                verbose_name="оплачен платежом",
            ),
        ),
        migrations.RunPython(TRIGGERS.create, TRIGGERS.drop),
    ]
