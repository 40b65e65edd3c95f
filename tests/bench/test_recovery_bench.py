"""The recovery timing benchmark (bench/recovery_timing.py) at a tiny size,
so that it cannot rot: every case answers 200 and only the registered
contract's letters reach the SMTP server. The timings themselves are not
asserted: they mean something only on a quiet machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the queue is Procrastinate's, on PostgreSQL")
def test_the_recovery_benchmark_runs_every_case(tmp_path):
    results = tmp_path / "recovery.json"
    database = f"bench_recovery_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    command = [sys.executable, "-m", "bench", "recovery", "--samples", "2", "--smtp-delay", "0.01"]
    command += ["--database", database, "--json", str(results)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    payload = json.loads(results.read_text())
    assert payload["statuses"] == {"12345-ЭС": [200], "54321-ЭС": [200], "77777-ЭС": [200]}
    assert payload["letters"] == 2
    assert all(case["samples"] == 2 for case in payload["cases"].values())
    assert "медиана" in finished.stdout
