"""Behind the proxy, X-Forwarded-For is believed only as far as our own
proxies wrote it: rotating the header neither hides an attacker from the
per-address limits nor lets them speak for somebody else's address."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from enser_cabinet.http import client_ip
from tests.core.test_settings import django_start

LOGIN = reverse("accounts:login")
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.7"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = [PROXY]
    settings.RATELIMIT_ENABLE = True


def _sign_ins(peer: str, forwarded: str, index: int) -> int:
    client = Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    return client.post(LOGIN, {"contract_number": f"{20000 + index}-ЭС", "secret": "wrong"}).status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("peer", "forwarded"),
    [
        # Through our proxy, which appends the address it saw after the client's claims.
        (PROXY, "198.51.100.{i}, " + ATTACKER),
        # Straight to the application, past the proxy, with a header of one's own.
        (ATTACKER, "198.51.100.{i}"),
    ],
    ids=["through-the-proxy", "past-the-proxy"],
)
def test_rotating_forwarded_for_still_meets_the_limit_per_address(behind_proxy, peer, forwarded):
    statuses = [_sign_ins(peer, forwarded.format(i=index), index) for index in range(40)]
    # 30 sign-ins per address in 10 minutes (RATE_SIGN_IN_IP), then 429.
    assert statuses[:30] == [400] * 30
    assert set(statuses[30:]) == {429}


@pytest.mark.django_db
def test_another_address_through_the_proxy_keeps_its_own_limit(behind_proxy):
    for index in range(31):
        _sign_ins(PROXY, ATTACKER, index)
    assert _sign_ins(PROXY, "198.51.100.20", 99) == 400


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        (PROXY, "198.51.100.9", "198.51.100.9"),
        # Two proxies of ours in a chain: the address the outer one saw.
        (PROXY, "1.2.3.4, 198.51.100.9, 10.0.0.3", "198.51.100.9"),
        # All of it ours: the farthest hop.
        (PROXY, "10.0.0.3", "10.0.0.3"),
        # Not an address: our proxy wrote no such thing; the last hop we know.
        (PROXY, "198.51.100.9, junk", PROXY),
        (PROXY, "", PROXY),
        (ATTACKER, "198.51.100.9", ATTACKER),
    ],
)
def test_the_customers_address_is_the_first_that_is_not_our_proxy(rf, settings, peer, forwarded, expected):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = [PROXY, "10.0.0.3/32"]
    assert client_ip(rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_a_trusted_proxy_that_is_no_address_stops_the_start():
    result = django_start({**os.environ, "TRUSTED_PROXIES": "10.0.0.2,nginx"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an address or a network." in result.stderr
