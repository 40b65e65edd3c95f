"""What the billing import tells the apps above it, after its commit."""

from django.dispatch import Signal

# Sent once an import is committed, with the ids of the invoices and
# payments that are new in this run (`invoice_ids`, `payment_ids`).
rows_imported = Signal()
