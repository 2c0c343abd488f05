"""Kodeks under load: a 50-group workshop and HR's reports over 10,000 workshops, in one run.

    uv run python bench/run.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/run.py

Builds a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server
that DATABASE_URL names, dropped afterwards), starts gunicorn with production settings and
drives it from a separate load process on loopback (bench/load.py, locust). Every figure is
also given as a ratio to a bare "hello" view behind the same middleware, measured in the same
run, since absolute speeds drift on a shared machine. Prints a table, then one line of JSON,
and exits with 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    Gunicorn,
    HttpClient,
    Server,
    gunicorn,
    postgres_database,
    production_env,
)

# Measured one after the other under full load, each right after hello so that the machine's
# drift moves both alike: (request name in bench/load.py, phase, label).
THROUGHPUT = [
    ("gruppeside", "group", "participant group page"),
    ("dashboard-poll 304", "poll", "dashboard poll, unchanged (304)"),
    ("dashboard", "dashboard", "dashboard, {groups} groups"),
    ("noter gemt", "notes", "note autosave"),
    ("HR-rapport", "report", "HR report, {closed:,} workshops"),
]
# Share of hello's requests per second each must reach; the note save only on SQLite, where
# a write costs no network round trip and no fsync of its own.
RATIO_BUDGETS = {"gruppeside": 0.30, "dashboard-poll 304": 0.50, "dashboard": 0.15}
SQLITE_RATIO_BUDGETS = {"noter gemt": 0.20}
PERCENTILES = ("rps", "p50", "p95", "p99")
EXPORT_FIRST_BYTE_BUDGET = 1.0  # seconds
EXPORT_MEMORY_BUDGET = 50  # MB the server may grow by while streaming the export


@dataclass
class Budget:
    name: str
    value: float
    limit: float
    at_most: bool = False

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def as_dict(self) -> dict:
        value = round(self.value, 4)
        return {"name": self.name, "value": value, "limit": self.limit, "met": self.met}


def load(plan_path: Path, phase: str, **options) -> dict:
    """One phase of load from bench/load.py in a process of its own."""
    arguments = [f"--{name}={value}" for name, value in options.items()]
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), str(plan_path), phase, *arguments],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout)


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measure_export(server: Gunicorn, plan_path: Path) -> dict:
    """The streamed export: first byte and total time, and how much the server's memory grew.

    Linux resets a process's peak resident memory (VmHWM) to its current size when 5 is
    written to /proc/PID/clear_refs, so the peak afterwards is the export's own.
    """
    pids = server.worker_pids()
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    before = {pid: memory_kb(pid, "VmRSS") for pid in pids}
    result = load(plan_path, "export")
    peaks = {pid: memory_kb(pid, "VmHWM") for pid in pids}
    growth = max(peaks[pid] - before[pid] for pid in pids)
    return {
        **result,
        "server_peak_mb": round(max(peaks.values()) / 1024, 1),
        "server_growth_mb": round(growth / 1024, 1),
    }


def log_in(url: str, username: str, password: str) -> str:
    client = HttpClient(url)
    status, _headers, _text = client.post("/login/", {"username": username, "password": password})
    if status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login as {username} failed with HTTP {status}")
    return client.cookies["sessionid"]


def dashboard_etag(url: str, plan: dict) -> str:
    client = HttpClient(url)
    client.cookies["sessionid"] = plan["facilitator_session"]
    status, headers, _text = client.get(plan["dashboard"], headers={"HX-Request": "true"})
    if status != 200 or not headers.get("ETag"):
        raise RuntimeError(f"the dashboard poll answered HTTP {status} without an ETag")
    return headers["ETag"]


def print_table(database: str, rows: list[dict], export: dict, realistic: dict) -> None:
    print(f"\nKodeks benchmark on {database}\n")
    header = f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
    print(header + f"{'hello/s':>8} {'÷ hello':>8}  budget")
    for row in rows:
        budget = (
            f"≥ {row['budget']:.0%} {'ok' if row['met'] else 'MISSED'}" if row["budget"] else ""
        )
        ratio = f"{row['ratio']:.1%}" if row["ratio"] is not None else ""
        hello = f"{row['hello_rps']:.0f}" if row["hello_rps"] is not None else ""
        print(
            f"{row['label']:34} {row['rps']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} "
            f"{row['p99']:8.1f} {row['errors']:7d} {hello:>8} {ratio:>8}  {budget}"
        )
    print(
        f"\nCSV export of {export['lines'] - 1:,} group rows, streamed: first byte "
        f"{export['first_byte_s']:.3f} s (budget < {EXPORT_FIRST_BYTE_BUDGET:.0f} s), total "
        f"{export['total_s']:.1f} s, {export['bytes'] / 1e6:.1f} MB; server peak "
        f"{export['server_peak_mb']:.0f} MB, grew {export['server_growth_mb']:.1f} MB "
        f"(budget < {EXPORT_MEMORY_BUDGET} MB)"
    )
    print(
        f"\nRealistic workshop for {realistic['seconds']:.0f} s: 250 participants poll every "
        "5 s and save notes every 30 s, 5 dashboards poll every 3 s"
    )
    print(
        f"{'':34} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7}  statuses"
    )
    for name, figures in realistic["requests"].items():
        statuses = " ".join(
            f"{code}×{count}" for code, count in sorted(figures["statuses"].items())
        )
        print(
            f"{name:34} {figures['count']:8d} {figures['rps']:8.1f} {figures['p50']:8.1f} "
            f"{figures['p95']:8.1f} {figures['p99']:8.1f} {figures['errors']:7d}  {statuses}"
        )


def run(arguments: argparse.Namespace) -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kodeks-bench-")))
        url = stack.enter_context(postgres_database(database_url)) if on_postgres else None
        env = {**production_env(tmp, url), "DJANGO_SETTINGS_MODULE": "bench.settings"}
        server = Server(url="", env=env)
        started = time.monotonic()
        print("Building the database…", file=sys.stderr)
        server.manage("migrate", "--noinput")
        server.manage("load_kodeks")
        server.manage("collectstatic", "--noinput")
        built = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "data.py"),
                f"--closed={arguments.closed}",
                f"--groups={arguments.groups}",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        plan = json.loads(built.stdout)
        app = stack.enter_context(
            gunicorn(env, workers=arguments.workers, threads=arguments.threads)
        )
        plan.update(
            url=app.url,
            facilitator_session=log_in(app.url, plan["facilitator"], plan["password"]),
            hr_session=log_in(app.url, plan["hr"], plan["password"]),
        )
        plan["etag"] = dashboard_etag(app.url, plan)
        plan_path = tmp / "plan.json"
        plan_path.write_text(json.dumps(plan))

        def measure(name: str, phase: str, users: int) -> dict:
            outcome = load(
                plan_path, phase, users=users, seconds=arguments.seconds, warmup=arguments.warmup
            )
            return {"name": name, **outcome["requests"][name], **outcome}

        results, hellos = {}, []
        for name, phase, label in THROUGHPUT:
            label = label.format(groups=arguments.groups, closed=arguments.closed)
            print(f"Measuring hello, then {label}…", file=sys.stderr)
            users = arguments.report_users if phase == "report" else arguments.users
            if phase == "notes":
                users = min(users, arguments.groups)
            hellos.append(measure("hello", "hello", arguments.users))
            results[label] = {**measure(name, phase, users), "hello_rps": hellos[-1]["rps"]}
        print("Measuring the CSV export…", file=sys.stderr)
        exports = [measure_export(app, plan_path) for _ in range(arguments.exports)]
        print("Running the realistic workshop…", file=sys.stderr)
        realistic = load(plan_path, "realistic", seconds=arguments.realistic_seconds)

    hello = {
        "label": f"hello (baseline, mean of {len(hellos)})",
        **{key: round(sum(run[key] for run in hellos) / len(hellos), 1) for key in PERCENTILES},
        "errors": sum(run["errors"] for run in hellos),
        "count": sum(run["count"] for run in hellos),
        "hello_rps": None,
        "ratio": None,
        "budget": None,
        "met": True,
    }
    ratio_budgets = {**RATIO_BUDGETS, **({} if on_postgres else SQLITE_RATIO_BUDGETS)}
    budgets = [Budget("hello: errors", hello["errors"], 0, at_most=True)]
    rows = [hello]
    for label, figures in results.items():
        # Against the hello measured just before, or the mean if that one ran slow: one
        # unlucky baseline must not flatter a figure.
        figures["hello_rps"] = max(figures["hello_rps"], hello["rps"])
        ratio = figures["rps"] / figures["hello_rps"]
        limit = ratio_budgets.get(figures["name"])
        if limit is not None:
            budgets.append(Budget(f"{label} ÷ hello", ratio, limit))
        budgets.append(Budget(f"{label}: errors", figures["errors"], 0, at_most=True))
        rows.append(
            {
                "label": label,
                **{key: figures[key] for key in (*PERCENTILES, "errors", "count", "hello_rps")},
                "ratio": ratio,
                "budget": limit,
                "met": limit is None or ratio >= limit,
            }
        )
    export = {
        **max(exports, key=lambda run: run["first_byte_s"]),
        "server_growth_mb": max(run["server_growth_mb"] for run in exports),
        "server_peak_mb": max(run["server_peak_mb"] for run in exports),
    }
    expected_lines = plan["closed_groups"] + 1
    budgets += [
        Budget("export: first byte (s)", export["first_byte_s"], EXPORT_FIRST_BYTE_BUDGET, True),
        Budget(
            "export: server growth (MB)", export["server_growth_mb"], EXPORT_MEMORY_BUDGET, True
        ),
        Budget(
            "export: rows missing",
            sum(abs(run["lines"] - expected_lines) + (run["status"] != 200) for run in exports),
            0,
            True,
        ),
        Budget(
            "realistic: errors",
            sum(figures["errors"] for figures in realistic["requests"].values()),
            0,
            True,
        ),
    ]
    database = "PostgreSQL" if on_postgres else "SQLite"
    print_table(database, rows, export, realistic)
    missed = [budget for budget in budgets if not budget.met]
    for budget in missed:
        print(f"MISSED: {budget.name} = {budget.value:.4g} (limit {budget.limit})")
    outcomes = [*hellos, *results.values(), realistic]
    for sample in {sample for outcome in outcomes for sample in outcome["error_samples"]}:
        print(f"error: {sample}")
    print(
        f"\n{len(budgets) - len(missed)} of {len(budgets)} budgets met in "
        f"{time.monotonic() - started:.0f} s.\n"
    )
    summary = {
        "database": database,
        "closed_workshops": plan["closed_workshops"],
        "throughput": rows,
        "export": export,
        "realistic": realistic["requests"],
        "budgets": [budget.as_dict() for budget in budgets],
        "ok": not missed,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if missed else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--closed", type=int, default=10_000, help="closed workshops (10000)")
    parser.add_argument("--groups", type=int, default=50, help="groups in the live workshop")
    parser.add_argument("--seconds", type=float, default=15, help="per measurement (15)")
    parser.add_argument("--warmup", type=float, default=3, help="before each measurement (3)")
    parser.add_argument("--users", type=int, default=16, help="concurrent users (16)")
    parser.add_argument("--report-users", type=int, default=4, help="concurrent HR users (4)")
    parser.add_argument("--exports", type=int, default=2, help="CSV exports to time (2)")
    parser.add_argument("--realistic-seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
