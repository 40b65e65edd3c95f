"""The bank accounts on "Реквизиты и контакты" (templatetags
bank_requisites), drawn inside a page kept whole in the cache
(accounts/views.py requisites). The organization's own account raises its contracts'
data_version (migration 0004). The supplier's account, which staff edit in
admin and every contract shows, has no trigger: a change there would raise
every contract at once. It is read here on each request instead, one row
of a table of a few, and its shown fields go into the kept page's key, so
the page is drawn anew the request after staff change it, whether through
admin or a queryset update."""

import functools

from django.db import connection
from django.dispatch import receiver

from accounts.signals import requisites_shown
from paydocs.models import SupplierBankAccount


@receiver(requisites_shown, dispatch_uid="paydocs-supplier-bank-shown")
def supplier_bank_shown(*, contract, **kwargs) -> tuple | None:
    """The current supplier account as "Реквизиты и контакты" shows it (None: not shown)."""
    sql, params = _current_account_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@functools.cache
def _current_account_sql(vendor: str) -> tuple[str, tuple]:
    """The query of the current account, compiled once per database kind:
    the page is asked for on every request, and the ORM's compiling cost
    as much as the query's round trip."""
    return (
        SupplierBankAccount.objects.order_by("-updated_at", "-pk")
        .values_list("pk", "bank_name", "bik", "correspondent_account", "account")[:1]
        .query.sql_with_params()
    )
