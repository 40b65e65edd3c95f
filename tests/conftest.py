"""Fixtures every test folder shares: customers with contracts and their
clients, a clean cache (rate-limit counters) for each test."""

import contextlib
import datetime as dt
import email
import email.policy
import itertools
import os
import re
import socket
import time
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client, TransactionTestCase
from pytest_django.asserts import assertContains

from accounts.models import Contract, Membership, Organization, User
from accounts.roles import Role
from settlements.models import Invoice, InvoiceLine, Payment
from tests.flush import flush

PASSWORD = "Verno-2024!"
_numbers = itertools.count(10000)

# Valid INNs (checksums hold) for test organizations.
VALID_INNS = ["7453012342", "7456009877", "7415061109", "7702070139", "500100732259"]


def pytest_configure(config):
    # Parallel workers (pytest-xdist) each get their own database from
    # pytest-django; give each its own Redis database too, since every test
    # clears the cache it counts rate limits in.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = django_settings.CACHES["default"].get("LOCATION", "")
    if worker.startswith("gw") and isinstance(location, str) and location.startswith("redis://"):
        base, _, number = location.rpartition("/")
        index = int(number or 0) + 1 + int(worker[2:])
        django_settings.CACHES["default"]["LOCATION"] = f"{base}/{index}"
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        # A test database is thrown away at the end: a commit need not wait
        # for the disk (transactional and browser tests commit thousands of times).
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    # Transactional tests end by emptying only the tables they wrote to (tests/flush.py).
    TransactionTestCase._fixture_teardown = _flush_written_tables


# Modules of the longest tests, after the browser tests.
LONG_MODULES = ("test_no_server_errors.py", "test_default_settings.py")


def pytest_collection_modifyitems(config, items):
    # The longest tests first (browser tests, then the hostile-input sweep):
    # started last they leave one xdist worker finishing them while the other
    # has nothing left to do.
    items.sort(key=lambda item: (item.get_closest_marker("e2e") is None, item.path.name not in LONG_MODULES))


def _flush_written_tables(self) -> None:
    for alias in self._databases_names(include_mirrors=False):
        flush(alias)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with what tests/flush.py keeps remembered."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            flush.remember(connection)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    # django-ratelimit counts in fixed windows on the wall clock: a test that
    # makes three requests against "2/m" would pass a window's edge now and
    # then and see its counter start again. Each test lives in one window.
    import django_ratelimit.core

    frozen = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))


class Clock:
    """The moment django.utils.timezone.now() answers, set and moved by a test."""

    def __init__(self, moment: dt.datetime):
        self.now = moment

    def set(self, moment: dt.datetime) -> None:
        self.now = moment

    def set_local(self, day: dt.date, hour: int = 12) -> None:
        """Noon (or `hour`) of `day` in the cabinet's time zone."""
        self.now = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(django_settings.TIME_ZONE))

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A clock standing at the real moment until the test sets or moves it."""
    from django.utils import timezone

    fake = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: fake.now)
    return fake


class SMTPCollector:
    """What a local SMTP server received: (recipients, message) pairs, and
    the client's address and port of the session each came over; with
    `refuse` set it turns every recipient away."""

    def __init__(self):
        self.messages = []
        self.peers = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        self.peers.append(session.peer)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings) -> SMTPCollector:
    """A real SMTP server (aiosmtpd) on a free local port, with Django's SMTP
    backend pointed at it."""
    from aiosmtpd.controller import Controller

    collector = SMTPCollector()
    with socket.socket() as probe:  # a free port; the Controller needs one up front
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield collector
    controller.stop()


def closed_port() -> int:
    """A local port nothing listens on: bound a moment ago and let go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CacheSwitch:
    """The shared cache as the settings give it, or a Redis on a closed port."""

    def __init__(self, settings):
        self.settings = settings
        self.live = settings.CACHES
        self.dead = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
            }
        }

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        self.settings.CACHES = self.dead
        try:
            yield
        finally:
            self.settings.CACHES = self.live


@pytest.fixture
def redis(settings) -> CacheSwitch:
    """`with redis.down():` the shared cache (rate-limit counters) does not answer."""
    return CacheSwitch(settings)


def assert_unavailable(response) -> None:
    """The 503 page a form gets while the shared cache is down."""
    for text in ["Сервис временно недоступен", "попробуйте через несколько минут"]:
        assertContains(response, text, status_code=503)
    assertContains(response, "Отправленные данные не сохранены.", status_code=503)
    # In the site's layout, as the other error pages.
    assertContains(response, '<link rel="stylesheet"', status_code=503)
    assert response["Retry-After"] == "120"


@pytest.fixture(autouse=True)
def _queue_worker(request):
    """Letters and SMS queued while a request was served are delivered as
    the response ends, as a worker beside the server would do at once."""
    from django.core.signals import request_finished

    from tests.queue import queue_forget, queue_touched, queued_jobs_run

    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if not uses_db or request.node.get_closest_marker("real_worker"):
        yield
        return

    def deliver(**kwargs):
        if queue_touched():  # else the page's query count stays its own
            queued_jobs_run()

    queue_forget()
    request_finished.connect(deliver, dispatch_uid="tests-queue-worker")
    yield
    request_finished.disconnect(dispatch_uid="tests-queue-worker")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher; tests need not pay for it each time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_contract(
    *,
    number: str | None = None,
    inn: str = "7453012342",
    kpp: str = "745301001",
    name: str = "ООО «Тепломонтаж»",
    registered: bool = True,
    password: str = PASSWORD,
) -> Contract:
    organization, _ = Organization.objects.get_or_create(
        inn=inn,
        kpp=kpp,
        defaults={
            "name": name,
            "legal_address": "456300, г. Миасс, ул. Калинина, д. 12",
            "postal_address": "456300, г. Миасс, а/я 41",
        },
    )
    contract = Contract.objects.create(
        number=number or f"{next(_numbers)}-ЭС",
        organization=organization,
        signed_on=dt.date(2021, 9, 27),
        registered_at=dt.datetime(2021, 10, 1, tzinfo=dt.UTC) if registered else None,
        registration_method="email" if registered else "",
    )
    if registered:
        user = User(username=contract.number, contract=contract, email="buh@example.ru")
        user.set_password(password)
        user.save()
        # As registration makes it: the account is the contract's administrator.
        Membership.objects.create(user=user, contract=contract, role=Role.ADMIN)
    return contract


def make_invoice(
    contract: Contract,
    date: dt.date,
    total: str,
    *,
    vat: str | None = None,
    number: str | None = None,
    operation_type: str = "Окончательный счет",
) -> Invoice:
    total_d = Decimal(total)
    vat_d = Decimal(vat) if vat is not None else (total_d / 6).quantize(Decimal("0.01"))
    invoice = Invoice.objects.create(
        contract=contract,
        date=date,
        number=number or f"ЭРО-{date:%Y%m%d}-{Invoice.objects.count()}",
        operation_type=operation_type,
        amount=total_d,
        vat_amount=vat_d,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        installation="Нежилое помещение",
        address="г. Миасс, ул. Калинина, д. 12",
        tariff="Тепловая энергия",
        unit="Гкал",
        quantity=Decimal("1"),
        price=total_d - vat_d,
        amount=total_d - vat_d,
        vat_amount=vat_d,
        vat_rate=Decimal("20.00"),
        total=total_d,
    )
    return invoice


def make_payment(contract: Contract, date: dt.date, amount: str) -> Payment:
    return Payment.objects.create(contract=contract, date=date, amount=Decimal(amount))


def errors_on(response) -> list[str]:
    """The error messages a refused form shows: a short failure message where
    printing the whole page would bury it."""
    page = response.content.decode()
    return re.findall(r'class="[^"]*(?:error|errorlist)[^"]*"[^>]*>\s*(?:<li>)?([^<]+)', page)


def client_for(contract: Contract) -> Client:
    client = Client()
    client.force_login(contract.user, backend="accounts.backends.ContractPasswordBackend")
    return client


def make_person(*, email: str, roles: dict[Contract, str], password: str = PASSWORD) -> User:
    """A person's own account (signs in by e-mail) with a role on each contract given."""
    user = User(username=email, email=email)
    user.set_password(password)
    user.save()
    for contract, role in roles.items():
        Membership.objects.create(user=user, contract=contract, role=role)
    return user


def person_client(user: User, *, contract: Contract | None = None) -> Client:
    """Signed in as `user`, working on `contract` when given (else on their first)."""
    from accounts.customers import CONTRACT_SESSION_KEY

    client = Client()
    client.force_login(user, backend="accounts.backends.EmailPasswordBackend")
    if contract is not None:
        session = client.session
        session[CONTRACT_SESSION_KEY] = contract.pk
        session.save()
    return client


def staff_client_for(user: User, client: Client | None = None) -> Client:
    """A client signed in to admin as `user`, as the admin sign-in leaves it:
    past the second factor (a confirmed authenticator app, put in the
    session as django_otp.login does) and in a staff session that starts now."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from staff.sessions import staff_session_begin

    client = client or Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Приложение-аутентификатор", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    staff_session_begin(session)
    session.save()
    return client


@pytest.fixture
def admin_client(admin_user) -> Client:
    """pytest-django's superuser client, past the second factor."""
    return staff_client_for(admin_user)


def manual_contract() -> Contract:
    """12345-ЭС of ООО «Тепломонтаж», registered, with the manual's two charges."""
    contract = make_contract(number="12345-ЭС")
    make_invoice(contract, dt.date(2021, 10, 31), "5392.46", vat="898.74", number="ЭРО-1")
    make_invoice(contract, dt.date(2021, 11, 30), "8088.70", vat="1348.12", number="ЭРО-2")
    return contract


def stranger_contract() -> Contract:
    """Another customer, with charges of its own."""
    contract = make_contract(number="99999-ЭС", inn="7702070139", kpp="770201001", name="ООО «Чужая»")
    make_invoice(contract, dt.date(2021, 10, 31), "777777.77", number="ЭРО-ЧУЖОЙ")
    return contract


@pytest.fixture
def contract(db) -> Contract:
    """12345-ЭС of ООО «Тепломонтаж», registered, with the manual's two charges."""
    return manual_contract()


@pytest.fixture
def other_contract(db) -> Contract:
    """Another customer, with charges of its own."""
    return stranger_contract()


@pytest.fixture
def customer_client(contract) -> Client:
    return client_for(contract)


@pytest.fixture
def other_client(other_contract) -> Client:
    return client_for(other_contract)
