"""The benchmark stays runnable: a miniature run of bench/run.py from start to finish.

Its figures at this size mean nothing; the full run (`uv run python bench/run.py`) holds the
budgets. This proves the command builds its data, measures every kind of request without
errors and reports them, table and JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.servers import ROOT


def test_benchmark_runs_and_reports_every_measurement():
    completed = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--closed=40",
            "--groups=4",
            "--seconds=1",
            "--warmup=0.5",
            "--users=4",
            "--report-users=2",
            "--exports=1",
            "--realistic-seconds=3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode in {0, 1}, completed.stderr
    table, _, last_line = completed.stdout.rstrip().rpartition("\n")
    result = json.loads(last_line)
    assert "Kodeks benchmark on" in table and "Realistic workshop" in table
    labels = [row["label"] for row in result["throughput"]]
    assert labels == [
        "hello (baseline, mean of 5)",
        "participant group page",
        "dashboard poll, unchanged (304)",
        "dashboard, 4 groups",
        "note autosave",
        "HR report, 40 workshops",
    ]
    assert all(row["hello_rps"] > 0 for row in result["throughput"][1:])
    assert all(row["count"] > 0 and row["errors"] == 0 for row in result["throughput"])
    assert result["export"]["status"] == 200 and result["export"]["streamed"]
    # Three seconds are too few for every participant's first note save; the polls all start.
    assert {"deltager-poll", "dashboard-poll"} <= set(result["realistic"])
    assert sum(kind["errors"] for kind in result["realistic"].values()) == 0
    missed = {budget["name"] for budget in result["budgets"] if not budget["met"]}
    assert not {name for name in missed if "errors" in name or "rows" in name}
    assert result["ok"] == (completed.returncode == 0)
