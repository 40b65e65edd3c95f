"""Views and services say what they take and give (STYLE.md 15): every
function in them annotates its parameters and its return."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

MODULES = [
    "cabinet/views.py",
    "cabinet/overview.py",
    "accounts/customers.py",
    "accounts/switcher.py",
    "settlements/views.py",
    "settlements/ledger.py",
    "settlements/downloads.py",
    "settlements/pdf.py",
    "settlements/fetcher.py",
    "settlements/xlsx.py",
    "meters/views.py",
    "meters/services.py",
    "meters/selectors.py",
    "meters/rules.py",
    "meters/export.py",
    "meters/chart.py",
    "appeals/views.py",
    "appeals/services.py",
    "appeals/selectors.py",
    "appeals/documents.py",
    "billing/reader.py",
    "billing/loader.py",
    "billing/services.py",
    "paydocs/views.py",
    "paydocs/services.py",
    "staff/views.py",
    "staff/second_factor.py",
    "staff/sessions.py",
    "staff/sites.py",
    "staff/admin.py",
]


def unannotated(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            missing = [a.arg for a in arguments if a.annotation is None and a.arg not in ("self", "cls")]
            if node.returns is None:
                missing.append("return")
            if missing:
                found.append(f"{node.name}:{node.lineno} ({', '.join(missing)})")
    return found


def test_the_check_sees_a_missing_hint():
    assert unannotated("def home(request):\n    pass\n") == ["home:1 (request, return)"]
    assert unannotated("def home(request: int) -> int:\n    return 1\n") == []


@pytest.mark.parametrize("module", MODULES)
def test_every_function_has_type_hints(module):
    assert unannotated((Path(settings.BASE_DIR) / module).read_text()) == []
