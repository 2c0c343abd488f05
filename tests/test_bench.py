"""The benchmark stays runnable: a miniature run of bench/run.py from start to finish.

Its figures at this size mean nothing; the full run (`uv run python bench/run.py`) holds the
budgets. This proves the command builds its data, measures every kind of request without
errors and reports them, table and JSON; a crash anywhere fails it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.servers import ROOT

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_benchmark_runs_and_reports_every_measurement(static_root):
    completed = subprocess.run(  # noqa: S603 - our own benchmark
        [
            sys.executable,
            "bench/run.py",
            "--closed=40",
            "--groups=4",
            "--seconds=0.5",
            "--warmup=0.2",
            "--rounds=1",
            "--users=4",
            "--report-users=2",
            "--exports=1",
            "--phones=8",
            "--realistic-seconds=3",
            "--capacity-steps=4",
            "--capacity-seconds=2",
            f"--static-root={static_root}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # 1 is a missed budget, which at this size means nothing; anything else is a crash.
    assert completed.returncode in {0, 1}, completed.stderr[-3000:]
    table, _, last_line = completed.stdout.rstrip().rpartition("\n")
    result = json.loads(last_line)
    assert "Kodeks benchmark on" in table and "Realistic workshop" in table
    assert "Capacity:" in table
    labels = [row["label"] for row in result["throughput"]]
    assert labels == [
        "hello (baseline, median of 5)",
        "staff hello (baseline, median of 3)",
        "participant group page",
        "participant poll, unchanged (304)",
        "dashboard poll, unchanged (304)",
        "dashboard, 4 groups",
        "tag toggle",
        "case choice",
        "note autosave",
        "HR report, 40 workshops",
    ]
    assert all(row["count"] > 0 and row["errors"] == 0 for row in result["throughput"])
    assert all(row["baseline_rps"] > 0 for row in result["throughput"][2:])
    assert result["export"]["status"] == 200 and result["export"]["streamed"]
    assert {"deltager-poll", "dashboard-poll"} <= set(result["realistic"])
    assert result["capacity"]["runs"][0]["phones"] == 4
    missed = {budget["name"] for budget in result["budgets"] if not budget["met"]}
    assert not {name for name in missed if "errors" in name or "rows" in name}
    assert result["ok"] == (completed.returncode == 0)
