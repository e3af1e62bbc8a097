"""The benchmarks still run: ``python -m bench --quick`` prints its tables and writes results.

A smoke test of the bench itself, not a timed test: nothing here asserts a speed. It runs
the command a developer types, as a process, on the two sections that need no load.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_bench_prints_tables_and_writes_results(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--only",
            "history",
            "--only",
            "fanout",
            "--only",
            "reminders",
            "--results",
            str(results),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for title in (
        "One history page",
        "App Home, export and size",
        "Fan-out of check-ins",
        "One tick of the reminder job",
        "One tick of the client pulse job",
    ):
        assert title in done.stdout
    assert "Targets" in done.stdout and "duplicates (2 process(es))" in done.stdout
    written = results.read_text()
    assert "## Machine" in written and "## History at scale" in written
    assert "## Check-in fan-out" in written and "| Processes |" in written
