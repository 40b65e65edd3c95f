"""The site as `make run` starts it from an empty environment.

The other tests point letters, SMS and uploads at temporary places of
their own, so they never run the default paths and backends. This one
starts a fresh Python with nothing in its environment but PATH, HOME and
VAR_DIR (a temporary stand-in for the project's var/), migrates and seeds
the embedded database as `make run` does, then sends a letter, an SMS and
an appeal's document through the default file backends and storage and
reads the files back.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = r"""
import json
import os
import sys

sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")

import django

django.setup()

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from accounts.models import Contract
from appeals.documents import document_kind
from appeals.models import AppealType, Branch, PremisesType
from appeals.services import appeal_create

call_command("migrate", verbosity=0, interactive=False)
call_command("seed_demo", stdout=open(os.devnull, "w"))
result = {
    "settings": {
        name: [type(getattr(settings, name)).__module__, str(getattr(settings, name))]
        for name in ("MEDIA_ROOT", "EMAIL_FILE_PATH", "SMS_FILE_PATH", "STATIC_ROOT")
    },
    "database": settings.DATABASES["default"]["NAME"],
    "email_backend": settings.EMAIL_BACKEND,
    "sms_backend": settings.SMS_BACKEND,
}

# "По SMS" at registration, after the first sign-in by INN.
client = Client()
client.post("/login/", {"contract_number": "54321-ЭС", "secret": "7456009877"})
response = client.post(
    "/register/",
    {
        "new_password1": "Teplo-Set-2024",
        "new_password2": "Teplo-Set-2024",
        "email": "ivanov@mail.ru",
        "phone": "+7 902 555-01-12",
        "method": "sms",
        "consent": "on",
        "action": "send-sms",
    },
)
result["register_sms"] = [response.status_code, response.get("Location")]

# "Забыли пароль?" by e-mail, for the registered demo customer.
client = Client()
client.post("/password/reset/", {"contract_number": "12345-ЭС"})
response = client.post("/password/reset/send/", {"method": "email"})
result["reset_email"] = response.status_code

# "Забыли пароль?" by SMS: a registered contract and an unknown one are
# answered alike.
for number in ("12345-ЭС", "77777-ЭС"):
    client = Client()
    client.post("/password/reset/", {"contract_number": number})
    response = client.post("/password/reset/send/", {"method": "sms"})
    result[f"reset_sms {number}"] = [response.status_code, response.get("Location")]

# An appeal's document, through the default storage.
contract = Contract.objects.get(number="12345-ЭС")
upload = SimpleUploadedFile("akt.pdf", b"%PDF-1.4\n% DEFAULT-STORAGE-MARK\n%%EOF\n")
appeal = appeal_create(
    data={
        "premises_type": PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")[0],
        "appeal_type": AppealType.objects.get_or_create(name="Перерасчет")[0],
        "branch": Branch.objects.get_or_create(name="АО «ЭнСер»", email="abonent@rm-enser.ru")[0],
        "organization_name": "ООО «Тепломонтаж»",
        "phone": "+79123456789",
        "email": "buh@teplomontazh.example",
        "premises_address": "г. Миасс, ул. Калинина, д. 12",
        "message": "Проверка хранилища",
        "consent_personal_data": True,
        "consent_accuracy": True,
    },
    files=[upload],
    kinds=[document_kind(upload, upload.name)],
    contract=contract,
    user=contract.user,
    absolute=lambda path: f"http://testserver{path}",
)
result["document"] = appeal.documents.get().file.path
print(json.dumps(result))
"""


def _run_with_default_settings(workdir: Path, var_dir: Path) -> dict:
    script = workdir / "defaults.py"
    script.write_text(SCRIPT, encoding="utf-8")
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "VAR_DIR": str(var_dir),
    }
    finished = subprocess.run(
        [sys.executable, str(script), str(settings.BASE_DIR)],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _texts(directory: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(directory.iterdir())]


def test_letters_sms_and_documents_work_with_the_default_settings(tmp_path):
    var_dir = tmp_path / "var"
    workdir = tmp_path / "work"
    workdir.mkdir()
    result = _run_with_default_settings(workdir, var_dir)

    # Every path setting is a pathlib.Path, not django-environ's own Path.
    for name, (module, _value) in result["settings"].items():
        assert module == "pathlib", (name, module)
    assert result["database"] == str(var_dir / "enser.sqlite3")
    assert result["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert result["sms_backend"] == "file"

    assert result["register_sms"] == [302, "/register/"]
    assert result["reset_sms 12345-ЭС"] == result["reset_sms 77777-ЭС"] == [302, "/password/reset/code/"]
    sms = _texts(var_dir / "sms")
    # The registration code and the recovery code, both to +7 902 555-01-12.
    assert len(sms) == 2
    assert all(text.startswith("To: +79025550112") for text in sms)
    assert sum("Код подтверждения регистрации" in text for text in sms) == 1

    assert result["reset_email"] == 200
    letters = "\n".join(_texts(var_dir / "mail"))
    assert "To: buh@teplomontazh.example" in letters
    assert "/password/reset/link/" in letters

    document = Path(result["document"])
    assert document.is_relative_to(var_dir / "media")
    assert b"DEFAULT-STORAGE-MARK" in document.read_bytes()
