"""Processes that never draw a statement (manage.py commands, the job
workers) do not pay for WeasyPrint's imports; the web server loads it once,
when a worker starts, not on a customer's first download."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADED = "import sys; print(sorted(m for m in ('weasyprint', 'settlements.views') if m in sys.modules))"


def _loaded(setup: str) -> str:
    finished = subprocess.run(
        [sys.executable, "-c", f"{setup}; {LOADED}"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip()


def test_reading_every_url_does_not_load_weasyprint():
    setup = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'enser_cabinet.settings');"
        "import django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns"
    )
    assert _loaded(setup) == "['settlements.views']"


def test_a_web_worker_loads_weasyprint_when_it_starts():
    assert _loaded("import enser_cabinet.wsgi") == "['settlements.views', 'weasyprint']"


def test_a_web_worker_compiles_every_template_when_it_starts():
    compiled = _loaded(
        "import enser_cabinet.wsgi; from django.template import engines;"
        "print(len(engines['django'].engine.template_loaders[0].get_template_cache))"
    )
    templates = [path for path in (ROOT / "templates").rglob("*") if path.is_file()]
    assert int(compiled.splitlines()[0]) >= len(templates) > 100


# Read without building: the resolvers' public lookups would build them.
BUILT = """
from django.urls import get_resolver
resolvers = [get_resolver()]
for resolver in resolvers:
    resolvers += [child for _, child in resolver._namespace_dict.get("ru", {}).values()]
print(len(resolvers), all(resolver._populated for resolver in resolvers))
"""


def test_a_web_worker_builds_the_url_map_of_every_namespace_when_it_starts():
    built = _loaded(f"import enser_cabinet.wsgi\n{BUILT.strip()}")
    count, populated = built.splitlines()[0].split()
    assert int(count) > 5
    assert populated == "True"


def test_a_web_worker_leaves_what_it_loaded_out_of_the_collectors_passes():
    frozen = _loaded("import enser_cabinet.wsgi, gc; print(gc.get_freeze_count(), gc.isenabled())")
    count, enabled = frozen.splitlines()[0].split()
    assert int(count) > 100_000
    assert enabled == "True"
