"""Settings that protect production: the secret key, the proxy's addresses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_ratelimit.core import get_usage


def django_start(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Django set up in a process of its own with the environment `env`."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "enser_cabinet.settings"},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY",)}
    result = django_start({**env, "DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_rate_limits_count_the_customer_behind_the_proxy_not_the_proxy(rf, settings):
    from enser_cabinet.http import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(request) == "10.0.0.2"  # without a proxy the header is the client's claim
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "10.0.0.2"  # nor from an address that is none of our proxies
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request) == "198.51.100.9"


@pytest.mark.django_db
def test_rate_limits_by_address_count_each_customer_behind_the_proxy(rf, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.2"]

    def spend(forwarded: str) -> bool:
        request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
        usage = get_usage(request, group="proxy-test", key="ip", rate="1/m", method="POST", increment=True)
        return usage["should_limit"]

    assert spend("198.51.100.9") is False
    # Another customer through the same proxy has a limit of their own.
    assert spend("198.51.100.10") is False
    assert spend("1.2.3.4, 198.51.100.9") is True


def test_named_pages_in_settings_exist():
    from django.conf import settings
    from django.urls import reverse

    assert reverse(settings.LOGIN_URL) == "/login/"
    assert reverse(settings.LOGIN_REDIRECT_URL) == "/"
