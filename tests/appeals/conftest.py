"""Appeal fixtures: the form's choices, documents of every allowed kind and
some that only pretend, a media root of the test's own."""

import datetime as dt
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appeals.documents import KINDS
from appeals.forms import form_token_issue
from appeals.models import AppealType, Branch, PremisesType
from appeals.services import appeal_create
from tests.conftest import staff_client_for
from tests.queue import queued_jobs_run

BRANCH_EMAIL = "abonent@rm-enser.ru"
MOMENT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def choices(db):
    """The initial set (re-created: a transactional test elsewhere may have flushed it)."""
    premises, _ = PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")
    appeal_type, _ = AppealType.objects.get_or_create(name="Перерасчет")
    branch, _ = Branch.objects.get_or_create(name="АО «ЭнСер»", defaults={"email": BRANCH_EMAIL})
    return {"premises_type": premises, "appeal_type": appeal_type, "branch": branch}


def pdf_bytes(text: str = "scan") -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text.encode() + b"\n%%EOF\n"


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Показания"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

SAMPLES = {
    "scan.pdf": pdf_bytes(),
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64,
    "plan.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "letter.doc": OLE2,
    "table.xls": OLE2,
    "letter.docx": zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "readings.xlsx": xlsx_bytes(),
    "letter.odt": zip_bytes({"mimetype": KINDS["odt"].content_type.encode(), "content.xml": b"<office/>"}),
}

FAKES = {
    "program.pdf": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64,  # an .exe renamed
    "photo.pdf": SAMPLES["plan.png"],  # a real image under a document's name
    "archive.docx": zip_bytes({"readme.txt": b"not a document"}),
    "notes.odt": zip_bytes({"mimetype": b"application/zip", "a.txt": b"x"}),
    "broken.xlsx": b"PK\x03\x04" + b"\x00" * 40,
    "macro.doc": b"<html>word</html>",
}


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SAMPLES[name] if content is None else content)


def form_data(choices: dict, **overrides) -> dict:
    data = {
        "premises_type": choices["premises_type"].pk,
        "organization_name": "ООО «Ромашка»",
        "appeal_type": choices["appeal_type"].pk,
        "branch": choices["branch"].pk,
        "phone": "+7 912 345-67-89",
        "email": "romashka@example.ru",
        "premises_address": "г. Миасс, ул. Ленина, д. 1, пом. 2",
        "message": "Прошу сделать перерасчет за октябрь.",
        "consent_personal_data": "on",
        "consent_accuracy": "on",
        "website": "",
        # A fresh form each time, as a browser gets from the page.
        "token": form_token_issue(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_appeal(choices: dict, *, contract=None, files=(), form_token=None, **overrides):
    from appeals.documents import document_kind

    data = {
        **choices,
        "organization_name": "ООО «Тепломонтаж»",
        "phone": "+79123456789",
        "email": "buh@example.ru",
        "premises_address": "г. Миасс, ул. Калинина, д. 12",
        "message": "Прошу проверить начисления.",
        "consent_personal_data": True,
        "consent_accuracy": True,
        **overrides,
    }
    uploads = [upload(name) for name in files]
    kinds = [document_kind(u, u.name) for u in uploads]
    user = contract.user if contract is not None else None
    appeal = appeal_create(
        data=data,
        files=uploads,
        kinds=kinds,
        contract=contract,
        user=user,
        absolute=lambda path: f"http://testserver{path}",
        form_token=form_token,
    )
    queued_jobs_run()  # its acknowledgment and branch notice leave, as after the form
    return appeal


@pytest.fixture
def fixed_now(clock):
    clock.set(MOMENT)
    return MOMENT


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_superuser(
        username="operator", password="x-Staff-2024", email="operator@rm-enser.ru"
    )


@pytest.fixture
def staff_client(staff_user) -> Client:
    return staff_client_for(staff_user)
