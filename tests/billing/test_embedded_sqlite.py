"""The billing import on the embedded SQLite that `make run` uses.

A fresh Python with an empty environment (so the default database, SQLite
under VAR_DIR) migrates, loads the sample export twice, loads a change,
fails on a bad row and skips it with --skip-bad; the results come back as
JSON and must be those the PostgreSQL path gives.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.billing.conftest import DATA, KIND_FILES

SCRIPT = r"""
import csv
import io
import json
import os
import shutil
import sys

sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enser_cabinet.settings")

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import Contract
from billing.models import ImportRun
from settlements.ledger import contract_balance
from settlements.models import Invoice, InvoiceLine, Payment

data, work = sys.argv[2], sys.argv[3]
result = {"vendor": connection.vendor}
call_command("migrate", verbosity=0)


def run(*args):
    out = io.StringIO()
    call_command("import_billing", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()[2:]


def snapshot():
    return [
        sorted(map(str, Invoice.objects.values_list("number", "amount", "vat_amount"))),
        sorted(map(str, InvoiceLine.objects.values_list("id", "invoice__number", "position", "total"))),
        sorted(map(str, Payment.objects.values_list("id", "document_number", "amount"))),
    ]


def edit(name, line, column, value):
    path = os.path.join(work, name)
    with open(path, encoding="utf-8", newline="") as f:
        header, *rows = csv.reader(f, delimiter=";")
    rows[line - 2][header.index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)


result["first"] = run(data)
result["second"] = run(data)
shutil.copytree(data, work)
edit("payments.csv", 2, "amount", "5100,00")
new_line = [("quantity", "1,00"), ("amount", "1353,53"), ("vat_amount", "270,71"), ("total", "1624,24")]
for column, value in new_line:
    edit("invoices.csv", 5, column, value)
lines_before = set(InvoiceLine.objects.values_list("id", flat=True))
result["changed"] = run(work)
result["lines_kept"] = len(lines_before & set(InvoiceLine.objects.values_list("id", flat=True)))
contract = Contract.objects.get(number="12345-ЭС")
balance = contract_balance(contract=contract)
result["balance"] = [str(balance.charged), str(balance.paid)]
result["billing_email"] = contract.billing_email

before = snapshot()
edit("payments.csv", 2, "amount", "7000,00")
edit("readings.csv", 3, "value", "много")
try:
    run(work)
except CommandError as exc:
    result["failure"] = str(exc)
result["unchanged_after_failure"] = snapshot() == before
result["skipped"] = run(work, "--skip-bad", "--report", os.path.join(os.path.dirname(work), "report.csv"))
result["states"] = list(ImportRun.objects.order_by("pk").values_list("state", flat=True))
print(json.dumps(result, ensure_ascii=False))
"""


def test_the_import_works_on_the_embedded_database(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "VAR_DIR": str(tmp_path / "var")}
    data = tmp_path / "export"
    data.mkdir()
    for name in KIND_FILES:
        shutil.copy(DATA / name, data / name)
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(settings.BASE_DIR), str(data), str(tmp_path / "work")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["vendor"] == "sqlite"
    assert (Path(env["VAR_DIR"]) / "enser.sqlite3").exists()

    def rows(lines: list[str]) -> dict[str, list[int]]:
        return {line.rsplit(maxsplit=4)[0]: [int(n) for n in line.split()[-4:]] for line in lines[:6]}

    assert rows(result["first"])["начисления"] == [6, 0, 0, 0]
    assert rows(result["first"])["показания"] == [4, 0, 0, 0]
    assert all(counts[:2] == [0, 0] for counts in rows(result["second"]).values())
    assert rows(result["changed"])["оплаты"] == [0, 1, 4, 0]
    assert rows(result["changed"])["начисления"] == [0, 1, 5, 0]
    assert result["lines_kept"] == 10
    # 5 392,46 + 8 088,69 − 0,98 Гкал's line + 1,00 Гкал's, + ЭРО-3 of 2026; paid 5 100 + 392,46 − 100.
    assert result["balance"] == ["22642.99", "5392.46"]
    assert result["billing_email"] == "buh@teplomontazh.ru"
    assert "readings.csv:3, столбец «value»: «много» не число" in result["failure"]
    assert result["unchanged_after_failure"] is True
    assert "Пропущено строк с ошибками: 1" in "\n".join(result["skipped"])
    assert result["states"] == ["succeeded", "succeeded", "succeeded", "failed", "succeeded"]
