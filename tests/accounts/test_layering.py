"""Apps depend downward only: accounts knows nothing of the apps above it
(DESIGN.md), so that it can be read, tested and changed on its own."""

import ast
from pathlib import Path

import accounts

ABOVE = {"settlements", "meters", "appeals", "cabinet"}
ACCOUNTS = Path(accounts.__file__).parent


def imported_apps(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def test_the_check_sees_an_import_from_above():
    assert imported_apps("from settlements.ledger import contract_balance") == {"settlements"}
    assert imported_apps("import meters.rules\nfrom os import path") == {"meters", "os"}


def test_accounts_imports_nothing_from_the_apps_above_it():
    offenders = {
        str(path.relative_to(ACCOUNTS.parent)): sorted(imported_apps(path.read_text()) & ABOVE)
        for path in sorted(ACCOUNTS.rglob("*.py"))
    }
    assert {path: apps for path, apps in offenders.items() if apps} == {}
