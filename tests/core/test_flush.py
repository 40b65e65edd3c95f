"""The cheap flush after each transactional test (tests/flush.py) leaves the
database as Django's flush would: every table empty but the content types
and permissions that migrate made."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.models import Contract
from appeals.models import AppealType
from meters.models import Meter
from settlements.models import Invoice, InvoiceLine, Payment
from tests.conftest import client_for, make_contract, make_invoice, make_payment
from tests.flush import flush
from tests.meters.conftest import add_reading, make_meter

pytestmark = pytest.mark.django_db(transaction=True)


def _rows_by_model() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _kept() -> tuple[list, list]:
    return (
        list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")),
        list(Permission.objects.order_by("pk").values_list("pk", "codename", "content_type_id")),
    )


def test_every_table_is_empty_after_the_flush_but_what_migrate_made():
    kept = _kept()
    assert kept[0] and kept[1]
    contract = make_contract(number="12345-ЭС")
    make_invoice(contract, dt.date(2021, 10, 31), "5392.46", vat="898.74")
    make_payment(contract, dt.date(2021, 11, 15), "100.00")
    meter = make_meter(contract, serial="041583")
    add_reading(meter, dt.date(2021, 10, 25), "1383.725")
    AppealType.objects.get_or_create(name="Перерасчет")
    assert client_for(contract).get("/").status_code == 200  # a session row too
    written = {label for label, count in _rows_by_model().items() if count}
    assert {"accounts.Contract", "settlements.InvoiceLine", "meters.Reading", "sessions.Session"} <= written

    flush(connection.alias)

    left = {label: count for label, count in _rows_by_model().items() if count}
    assert set(left) == {"contenttypes.ContentType", "auth.Permission"}
    assert _kept() == kept
    for model in (Contract, Invoice, InvoiceLine, Payment, Meter):
        assert not model.objects.exists()


def test_a_changed_permission_table_is_flushed_as_django_does():
    codenames = set(Permission.objects.values_list("codename", flat=True))
    Permission.objects.create(
        codename="odd_one", name="Лишнее", content_type=ContentType.objects.get_for_model(Contract)
    )
    Permission.objects.filter(codename="view_contract").delete()
    make_contract(number="12345-ЭС")

    flush(connection.alias)

    # Django's flush with post_migrate: every permission the models declare, and no other.
    assert set(Permission.objects.values_list("codename", flat=True)) == codenames
    assert not Contract.objects.exists()
    # And the flush after it is the cheap one again, from the new state.
    make_contract(number="12345-ЭС")
    flush(connection.alias)
    assert set(Permission.objects.values_list("codename", flat=True)) == codenames
    assert not Contract.objects.exists()
