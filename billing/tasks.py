"""The billing import as a job on the Procrastinate queue (PostgreSQL only)."""

from django.db import close_old_connections, connection
from procrastinate.contrib.django import app

from billing.services import import_run_execute


@app.task(name="billing.import_files")
def import_billing_files(run_id: int) -> None:
    # As the outbox's job: drop a connection the database closed, never one
    # inside a caller's transaction.
    if not connection.in_atomic_block:
        close_old_connections()
    import_run_execute(run_id=run_id)
