"""Pages travel compressed: a ten-year ledger reaches a phone in a few dozen KB."""

import datetime as dt
import gzip

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Contract
from tests.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_client(db) -> Client:
    demo_seed()
    client = Client()
    client.force_login(
        Contract.objects.get(number="12345-ЭС").user, backend="accounts.backends.ContractPasswordBackend"
    )
    return client


def test_a_long_ledger_page_is_sent_gzipped_and_light(demo_client):
    query = {"start": "2021-10-01", "end": dt.date.today().isoformat()}
    plain = demo_client.get(reverse("settlements:charges"), query)
    packed = demo_client.get(reverse("settlements:charges"), query, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert packed["Vary"].lower().count("accept-encoding") == 1
    assert len(plain.content) > 100 * 1024, len(plain.content)
    assert len(packed.content) < 60 * 1024, len(packed.content)
    assert "ЭРО-202110-12345" in gzip.decompress(packed.content).decode()
