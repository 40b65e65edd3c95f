"""The notifications benchmark (bench/notices.py) at a tiny size, so that it
cannot rot: every notification's letter is sent and received once, and the
job run again makes nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the queue is Procrastinate's, on PostgreSQL")
def test_the_notices_benchmark_delivers_every_letter_once(tmp_path):
    results = tmp_path / "notices.json"
    database = f"bench_notices_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    command = [sys.executable, "-m", "bench", "notices", "--contracts", "5", "--concurrency", "2"]
    command += ["--database", database, "--json", str(results)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    runs = json.loads(results.read_text())
    assert [
        (run["notifications"], run["letters_sent"], run["delivered"], run["again_made"]) for run in runs
    ] == [
        (10, 10, 10, 0),
        (10, 10, 10, 0),
    ]
    assert "писем/с" in finished.stdout
