"""Redis down or hung: rate-limited forms answer 503 with a page in Russian
and write nothing; pages that need no rate limit keep working. (The appeal
and reading forms are tried in their apps' tests.)"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from accounts.models import RegistrationRequest
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, inn_client, registration_data
from tests.conftest import PASSWORD, assert_unavailable, client_for, make_contract

pytestmark = pytest.mark.django_db


def test_sign_in_answers_503_and_signs_nobody_in(client, contract, redis):
    data = {"contract_number": contract.number, "secret": PASSWORD}
    with redis.down():
        assert_unavailable(client.post(reverse("accounts:login"), data))
        assertRedirects(client.get(reverse("cabinet:home")), "/login/?next=/", fetch_redirect_response=False)
    assertRedirects(client.post(reverse("accounts:login"), data), "/", fetch_redirect_response=False)


def test_registration_answers_503_and_starts_nothing(redis):
    make_contract(number=FIRST_NUMBER, inn=FIRST_INN, kpp="745601001", registered=False)
    client = inn_client()  # the sign-in by INN, while the cache is up
    with redis.down():
        assert_unavailable(client.post(reverse("accounts:register"), registration_data()))
    assert not RegistrationRequest.objects.exists()
    assert mail.outbox == []
    assert client.post(reverse("accounts:register"), registration_data()).status_code == 200
    assert RegistrationRequest.objects.count() == 1


def test_password_recovery_answers_503_and_starts_nothing(client, contract, redis):
    reset = reverse("accounts:password-reset")
    with redis.down():
        assert_unavailable(client.post(reset, {"contract_number": contract.number}))
    assert "password_reset" not in client.session
    assert client.post(reset, {"contract_number": contract.number}).status_code == 302
    assert "password_reset" in client.session


def test_pages_without_a_rate_limit_keep_working(client, contract, redis):
    customer = client_for(contract)
    with redis.down():
        for page in [reverse("accounts:login"), reverse("appeals:new"), reverse("appeals:edo")]:
            assert client.get(page).status_code == 200, page
        for page in [reverse("cabinet:home"), reverse("settlements:settlements"), reverse("meters:readings")]:
            assert customer.get(page).status_code == 200, page


class SilentServer:
    """A TCP server that takes connections and never answers: a hung Redis."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._take, daemon=True).start()

    def _take(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.socket.accept()[0])

    def close(self) -> None:
        for held in self.held:
            held.close()
        self.socket.close()


SIGN_IN = """
import django
django.setup()
from django.test import Client
from django_redis import get_redis_connection
response = Client().post("/login/", {"contract_number": "12345-ЭС", "secret": "x"})
pool = get_redis_connection("default").connection_pool.connection_kwargs
print(response.status_code, pool["socket_connect_timeout"], pool["socket_timeout"])
"""


def test_a_hung_redis_gives_up_after_the_timeouts_from_the_environment(tmp_path):
    """A Redis that takes the connection and never answers: the sign-in
    answers 503, through a connection that waits only as long as
    CACHE_CONNECT_TIMEOUT and CACHE_TIMEOUT say (redis-py alone waits 5 s)."""
    server = SilentServer()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "enser_cabinet.settings",
        "DATABASE_URL": "",  # the embedded default: the refusal comes before any query
        "VAR_DIR": str(tmp_path),
        "CACHE_URL": f"redis://127.0.0.1:{server.port}/0",
        "CACHE_CONNECT_TIMEOUT": "0.25",
        "CACHE_TIMEOUT": "0.5",
    }
    try:
        finished = subprocess.run(
            [sys.executable, "-c", SIGN_IN],
            env=env,
            capture_output=True,
            text=True,
            cwd=Path(django_settings.BASE_DIR),
            timeout=120,
        )
    finally:
        server.close()
    assert finished.returncode == 0, finished.stderr[-2000:]
    # Log lines go to stdout too; the script's answer is the last line.
    assert finished.stdout.splitlines()[-1].split() == ["503", "0.25", "0.5"]
    assert server.held, "the request never reached the silent server"
