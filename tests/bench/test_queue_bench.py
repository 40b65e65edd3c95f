"""The queue benchmark (bench/queue.py) at a tiny size, so that it cannot rot:
every letter of every run is marked sent and reaches its SMTP server once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the queue is Procrastinate's, on PostgreSQL")
def test_the_queue_benchmark_delivers_every_letter(tmp_path):
    results = tmp_path / "queue.json"
    database = f"bench_queue_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    command = [sys.executable, "-m", "bench", "queue", "--letters", "20", "--concurrency", "2"]
    command += ["--rate", "10", "--seconds", "1", "--database", database, "--json", str(results)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    runs = json.loads(results.read_text())
    assert [(run["letters"], run["sent"], run["delivered"]) for run in runs] == [
        (20, 20, 20),
        (20, 20, 20),
        (10, 10, 10),
    ]
    assert all(run["p50"] <= run["p99"] <= run["worst"] for run in runs)
    assert "писем/с" in finished.stdout
