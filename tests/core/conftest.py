"""The world the cross-cutting tests run in: customer A (the `contract`
fixture) with something of every kind a cabinet URL can point at, and
customer B (`other_contract`) who must never see any of it."""

import copy
import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import sms
from accounts.models import ContactPerson, Contract
from appeals.documents import document_kind
from appeals.models import Appeal, AppealType, Branch, PremisesType
from appeals.services import appeal_create
from meters.models import Meter, Reading
from paydocs.models import CustomerBankAccount, SupplierBankAccount
from paydocs.services import payment_invoice_issue
from tests.conftest import make_payment, manual_contract, stranger_contract
from tests.meters.conftest import add_reading, make_meter
from tests.paydocs.conftest import SUPPLIER_BANK
from tests.queue import queued_jobs_run

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ALFA-AKT-SECRET\n%%EOF\n"


@dataclasses.dataclass
class CustomerWorld:
    a: Contract
    b: Contract
    appeal: Appeal
    a_uidb64: str
    # What only A's pages may show: a leak of any of them to B is a failure.
    markers: tuple[str, ...]


@pytest.fixture
def no_rate_limits(settings):
    """Rate limits would turn later attempts into 429 and hide what they test."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _quiet_side_channels(request, settings, tmp_path):
    # A test in the world keeps its files where the world's appeal document is.
    settings.MEDIA_ROOT = _world_built(request).media if _in_world(request) else tmp_path / "media"
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _appeal_of(contract: Contract, *, organization_name: str, message: str) -> Appeal:
    premises, _ = PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")
    appeal_type, _ = AppealType.objects.get_or_create(name="Перерасчет")
    branch, _ = Branch.objects.get_or_create(name="АО «ЭнСер»", defaults={"email": "abonent@rm-enser.ru"})
    upload = SimpleUploadedFile("akt-alfa.pdf", PDF)
    return appeal_create(
        data={
            "premises_type": premises,
            "appeal_type": appeal_type,
            "branch": branch,
            "organization_name": organization_name,
            "phone": "+79123456789",
            "email": contract.user.email,
            "premises_address": "г. Миасс, ул. Калинина, д. 12",
            "message": message,
            "consent_personal_data": True,
            "consent_accuracy": True,
        },
        files=[upload],
        kinds=[document_kind(upload, upload.name)],
        contract=contract,
        user=contract.user,
        absolute=lambda path: f"http://testserver{path}",
    )


def _world_make(contract: Contract, other_contract: Contract) -> CustomerWorld:
    a_user = contract.user
    a_user.email = "alfa-secret@example.ru"
    a_user.save()
    make_payment(contract, dt.date(2021, 11, 15), "3141.59")
    ContactPerson.objects.create(
        contract=contract,
        position=ContactPerson.Position.CHIEF_ACCOUNTANT,
        full_name="Секретова Альфа Ивановна",
        phone="+79120001122",
        email="alfa-buh@example.ru",
    )
    appeal = _appeal_of(contract, organization_name="ООО «Тепломонтаж»", message="Протечка на вводе у Альфы")
    meter = make_meter(
        contract, serial="ALFA-7731", resource=Meter.Resource.HEAT, verification_due=dt.date(2099, 12, 31)
    )
    add_reading(meter, dt.date(2021, 10, 25), "1383.725", status=Reading.Status.ACCEPTED)
    make_meter(other_contract, serial="CHUZH-0001")
    bank = SupplierBankAccount.objects.create(**SUPPLIER_BANK)
    CustomerBankAccount.objects.create(
        organization=contract.organization, account="40702810672000012345", bik="047501602"
    )
    payment_invoice_issue(
        contract=contract,
        user=a_user,
        amount=Decimal("10339.57"),
        bank=bank,
        purpose="Оплата Альфы ALFA-PAY-PURPOSE",
    )
    return CustomerWorld(
        a=contract,
        b=other_contract,
        appeal=appeal,
        a_uidb64=urlsafe_base64_encode(force_bytes(a_user.pk)),
        markers=(
            "12345-ЭС",
            "Тепломонтаж",
            "10\u00a0339,57",  # A's balance: 13 481,16 charged, 3 141,59 paid
            "5\u00a0392,46",
            "8\u00a0088,70",
            "3\u00a0141,59",
            "5392.46",
            "3141.59",
            "alfa-secret@example.ru",
            "Секретова Альфа",
            "Протечка на вводе у Альфы",
            appeal.number,
            "akt-alfa.pdf",
            "ALFA-AKT-SECRET",  # inside A's document
            "ALFA-7731",
            "001383,725",
            "ALFA-PAY-PURPOSE",  # A's «Счёт на оплату»
        ),
    )


@dataclasses.dataclass
class _BuiltWorld:
    world: CustomerWorld
    media: Path


@pytest.fixture(scope="module")
def _world_once(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for a test module inside a transaction that each
    test's own (a savepoint) rolls back to, and rolled back itself after the
    module: hundreds of parametrized cases read it and need not build it anew.
    Built as a test would build it: fast password hashing, SMS to memory,
    the appeal's document in a folder of the module's, its letters sent."""
    media = tmp_path_factory.mktemp("world") / "media"
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                MEDIA_ROOT=media,
                SMS_BACKEND="locmem",
            ):
                built = _BuiltWorld(_world_make(manual_contract(), stranger_contract()), media)
                queued_jobs_run()
            sms.outbox.clear()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    request.module._world_built = True
    yield built
    request.module._world_built = False
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _world_built(request) -> _BuiltWorld:
    return request.getfixturevalue("_world_once")


def _in_world(request) -> bool:
    """The test reads the world, or runs while its module's world stands
    (whose contracts hold the numbers the fixtures below would create)."""
    return "world" in request.fixturenames or getattr(request.module, "_world_built", False)


@pytest.fixture
def world(_world_once, db) -> CustomerWorld:
    """A: 12345-ЭС of ООО «Тепломонтаж», two charges, a payment, contacts, an
    appeal with a document, a meter with a reading. B: 99999-ЭС of ООО «Чужая»
    with a charge and a meter of its own. A test's changes to the rows are
    rolled back after it, and it gets its own copy of the objects."""
    return copy.deepcopy(_world_once.world)


@pytest.fixture
def contract(request, db) -> Contract:
    """In the world, A's contract; elsewhere the manual's contract of tests/conftest.py."""
    if _in_world(request):
        return request.getfixturevalue("world").a
    return manual_contract()


@pytest.fixture
def other_contract(request, db) -> Contract:
    """In the world, B's contract; elsewhere another customer of tests/conftest.py."""
    if _in_world(request):
        return request.getfixturevalue("world").b
    return stranger_contract()
