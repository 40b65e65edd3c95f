"""The accounts' job on the Procrastinate queue (PostgreSQL only)."""

from django.db import close_old_connections, connection
from procrastinate.contrib.django import app

from accounts.passwords import password_reset_deliver
from outbox.services import URGENT_QUEUE


@app.task(name="accounts.password_reset_send", queue=URGENT_QUEUE)
def password_reset_send(identifier: str, method: str, base_url: str) -> None:
    """Every "Забыли пароль?" request queues this one job, whatever was typed:
    the web request never looks the identifier up, so it answers alike and
    as fast for a registered, an unregistered and an unknown one."""
    if not connection.in_atomic_block:
        close_old_connections()
    password_reset_deliver(identifier=identifier, method=method, base_url=base_url)
