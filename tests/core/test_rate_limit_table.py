"""settings.RATE_LIMITS is the one table of limits, read on every request:
lowering a limit in a running process (here with the `settings` fixture)
takes effect in every view that names it, whatever view family it is in."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

# Every view imported before any test changes a limit, as in a running
# server: a view that took its rate at import would keep the default.
import enser_cabinet.urls  # noqa: F401
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, inn_client
from tests.conftest import make_contract
from tests.staff.conftest import enrolled, make_staff, password_step

pytestmark = pytest.mark.django_db

PERIOD = {"start": "01.10.2021", "end": "31.12.2021"}
# Each request_for(world) gives send(n), the n-th request. Where a view has
# two limits, the requests differ in what the other limit counts by (the
# address or the contract number), so only the lowered one can refuse.
Send = Callable[[int], object]


def _anonymous(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.0.0.{n + 1}")


def _sign_in_same_address(world) -> Send:
    numbers = ["12345-ЭС", "12346-ЭС"]
    return lambda n: world.anonymous.post(
        reverse("accounts:login"), {"contract_number": numbers[n], "secret": "wrong-pass-1"}
    )


def _sign_in_same_contract(world) -> Send:
    return lambda n: _anonymous(n).post(
        reverse("accounts:login"), {"contract_number": "12345-ЭС", "secret": "wrong-pass-1"}
    )


def _first_sign_in(world) -> Send:
    return lambda n: _anonymous(n).post(
        reverse("accounts:login"), {"contract_number": FIRST_NUMBER, "secret": "7702070139"}
    )


def _registration(world) -> Send:
    client = inn_client()
    return lambda n: client.post(reverse("accounts:register"), {"action": "save"})


def _password_reset_same_address(world) -> Send:
    numbers = ["12345-ЭС", "12346-ЭС"]
    return lambda n: world.anonymous.post(reverse("accounts:password-reset"), {"contract_number": numbers[n]})


def _password_reset_same_contract(world) -> Send:
    return lambda n: _anonymous(n).post(reverse("accounts:password-reset"), {"contract_number": "12345-ЭС"})


def _password_change(world) -> Send:
    data = {"old_password": "wrong-pass-1", "new_password1": "x", "new_password2": "y"}
    return lambda n: world.customer.post(reverse("accounts:password-change"), data)


def _appeal(world) -> Send:
    return lambda n: world.anonymous.post(reverse("appeals:new"), {})


def _readings(world) -> Send:
    return lambda n: world.customer.post(reverse("meters:submit", args=[999999]), {})


def _statements(world) -> Send:
    # Each request a new period: a statement made before comes from the cache, unlimited.
    return lambda n: world.customer.get(
        reverse("settlements:settlements-xlsx"), {**PERIOD, "start": f"{n + 1:02d}.10.2021"}
    )


def _admin_sign_in_same_address(world) -> Send:
    return lambda n: world.anonymous.post(
        reverse("admin:login"), {"username": f"guess-{n}", "password": "wrong-pass-1"}
    )


def _admin_sign_in_same_user(world) -> Send:
    return lambda n: _anonymous(n).post(
        reverse("admin:login"), {"username": "operator", "password": "wrong-pass-1"}
    )


def _admin_code(world) -> Send:
    # Two sign-ins of one staff member from two addresses, each past the password.
    enrolled(make_staff())
    clients = [_anonymous(n + 10) for n in range(2)]
    for client in clients:
        password_step(client)
    return lambda n: clients[n].post(reverse("admin:login-code"), {"code": "000000"})


def _invite(world) -> Send:
    contract_id = world.contract.pk
    return lambda n: world.customer.post(
        reverse("accounts:people"),
        {"action": "invite", "email": f"kollega{n}@example.ru", "role": "viewer", "contracts": [contract_id]},
    )


class World:
    def __init__(self, contract):
        self.contract = contract
        self.anonymous = Client()
        self.customer = Client()
        self.customer.force_login(contract.user, backend="accounts.backends.ContractPasswordBackend")


@pytest.mark.parametrize(
    ("name", "request_for"),
    [
        ("sign_in_ip", _sign_in_same_address),
        ("sign_in_contract", _sign_in_same_contract),
        ("inn_contract", _first_sign_in),
        ("registration_ip", _registration),
        ("password_reset_ip", _password_reset_same_address),
        ("password_reset_contract", _password_reset_same_contract),
        ("password_change_user", _password_change),
        ("invite_user", _invite),
        ("appeal_ip", _appeal),
        ("readings_submit", _readings),
        ("statements", _statements),
        ("admin_sign_in_ip", _admin_sign_in_same_address),
        ("admin_sign_in_user", _admin_sign_in_same_user),
        ("admin_code_user", _admin_code),
    ],
)
def test_a_limit_lowered_in_the_settings_holds_at_once(settings, contract, name, request_for):
    make_contract(number=FIRST_NUMBER, inn=FIRST_INN, name="ООО «Уралтехсервис»", registered=False)
    send = request_for(World(contract))
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: "1/h"}
    # The default limits let many through; the lowered one lets one.
    assert send(0).status_code != 429
    assertContains(send(1), "Слишком много попыток", status_code=429)


def test_every_limit_comes_from_its_own_variable(settings):
    """One table, one variable per limit (RATE_<NAME>), as README lists them."""
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for name in settings.RATE_LIMITS:
        assert f"RATE_{name.upper()}" in readme
