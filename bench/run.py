"""Kodeks under load: a 50-group workshop and HR's reports over 10,000 workshops, in one run.

    uv run python bench/run.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test uv run python bench/run.py

Builds a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server
that DATABASE_URL names, dropped afterwards), starts gunicorn with production settings and
drives it from a separate load process on loopback (bench/load.py, locust). Every figure is
also given as a ratio to a bare "hello" view behind the same middleware, measured in the same
run, since absolute speeds drift on a shared machine: participants' requests against the
anonymous hello, staff's against a hello that carries a staff session (it reads the session
and the user, as every staff request does). Then a realistic workshop for ten minutes, and
the capacity of the box: how many phones it serves with p95 under 300 ms. Prints a table,
then one line of JSON, and exits with 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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


@dataclass(frozen=True)
class Throughput:
    name: str  # of the request, in bench/load.py
    phase: str
    label: str
    baseline: str  # "hello" or "staff hello"
    budget: float | None  # share of the baseline's requests per second it must reach
    writes: bool = False  # one writer per group


# Measured one after the other under full load, each right after its baseline so that the
# machine's drift moves both alike. Unchanged polls first: they hold the ETags of the start.
THROUGHPUT = [
    Throughput("gruppeside", "group", "participant group page", "hello", 0.30),
    Throughput("gruppe-poll 304", "group-poll", "participant poll, unchanged (304)", "hello", 0.60),
    Throughput(
        "dashboard-poll 304", "poll", "dashboard poll, unchanged (304)", "staff hello", 0.50
    ),
    Throughput("dashboard", "dashboard", "dashboard, {groups} groups", "staff hello", 0.20),
    Throughput("tag", "tag", "tag toggle", "hello", 0.20, writes=True),
    Throughput("case valgt", "case", "case choice", "hello", None, writes=True),
    Throughput("noter gemt", "notes", "note autosave", "hello", 0.20, writes=True),
    Throughput("HR-rapport", "report", "HR report, {closed:,} workshops", "staff hello", None),
]
BASELINE_PHASES = {"hello": "hello", "staff hello": "staff-hello"}
PERCENTILES = ("rps", "p50", "p95", "p99")
EXPORT_FIRST_BYTE_BUDGET = 1.0  # seconds
EXPORT_MEMORY_BUDGET = 50  # MB the server may grow by while streaming the export
REALISTIC_MEMORY_BUDGET = 20  # MB a worker may grow by after the realistic run's first minute
REALISTIC_SETTLING = 60  # seconds
CAPACITY_P95 = 300  # ms
# Each step is measured once its phones have opened their pages: the steady room, not every
# phone of it opening the page within the same three seconds.
CAPACITY_SETTLING = 15  # seconds
CAPACITY_BUDGET = 0.8  # phones held per request per second of the anonymous hello
CAPACITY_STEPS = (100, 250, 500, 1000, 2000, 4000)


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


def load(plan_path: Path, *phases: str, **options) -> list[dict]:
    """Phases of load from bench/load.py, in a process of its own."""
    arguments = [f"--{name}={value}" for name, value in options.items()]
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), str(plan_path), *phases, *arguments],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in completed.stdout.splitlines()]


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
    [result] = load(plan_path, "export")
    peaks = {pid: memory_kb(pid, "VmHWM") for pid in pids}
    growth = max(peaks[pid] - before[pid] for pid in pids)
    return {
        **result,
        "server_peak_mb": round(max(peaks.values()) / 1024, 1),
        "server_growth_mb": round(growth / 1024, 1),
    }


def measure_realistic(
    server: Gunicorn, database: Server, plan_path: Path, seconds: float, phones: int
) -> dict:
    """The realistic workshop, with each worker's resident memory read every few seconds:
    how much it grew after the first minute, once its caches and connections are warm."""
    pids = server.worker_pids()
    words = plan_path.parent / "words.json"
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            str(plan_path),
            "realistic",
            f"--seconds={seconds}",
            f"--phones={phones}",
            f"--words={words}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    settled: dict[int, int] = {}
    peaks = dict.fromkeys(pids, 0)
    settling = min(REALISTIC_SETTLING, seconds / 2)
    while process.poll() is None:
        time.sleep(2)
        rss = {pid: memory_kb(pid, "VmRSS") for pid in pids}
        if time.monotonic() - started >= settling:
            settled = settled or rss
            peaks = {pid: max(peaks[pid], rss[pid]) for pid in pids}
    output, _ = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    [result] = [json.loads(line) for line in output.splitlines()]
    growth = max((peaks[pid] - settled[pid] for pid in settled), default=0)
    return {
        **result,
        "phones": phones,
        "memory_growth_mb": round(growth / 1024, 1),
        "lost_words": lost_words(database, words),
    }


LOST_WORDS = """
import json
from workshops.models import Group
stored = set(" ".join(Group.objects.values_list("notes", flat=True)).split())
with open({path!r}, encoding="utf-8") as file:
    print(sum(word not in stored for word in json.load(file)))
"""


def lost_words(database: Server, words: Path) -> int:
    """How many of the words the phones saved (listed in `words`) are missing from the
    stored notes."""
    code = LOST_WORDS.format(path=str(words))
    return int(database.manage("shell", "--no-imports", "-c", code).strip())


def find_capacity(plan_path: Path, arguments: argparse.Namespace) -> dict:
    """How many phones the box serves with p95 ≤ 300 ms and no errors: steps up until one
    fails, then halves the gap to the last that held, three times. The anonymous hello is measured
    before each step, and the capacity is compared with the median of those."""
    runs = []

    def hello_now() -> float:
        """The hello's rate now; after a step that overloaded the box, once it has worked off
        what the phones left queued."""
        for _attempt in range(5):
            [hello] = load(
                plan_path,
                f"hello@{arguments.users}",
                seconds=arguments.seconds,
                warmup=arguments.warmup,
            )
            if "hello" in hello["requests"]:
                return hello["requests"]["hello"]["rps"]
            time.sleep(CAPACITY_SETTLING)
        raise RuntimeError("the hello got no answer after a capacity step")

    def holds(phones: int) -> bool:
        print(f"  {phones} telefoner…", file=sys.stderr)
        hello_rps = hello_now()
        [result] = load(
            plan_path,
            "realistic",
            seconds=arguments.capacity_seconds,
            warmup=CAPACITY_SETTLING,
            phones=phones,
        )
        overall = result["overall"]
        held = overall["errors"] == 0 and overall["p95"] <= CAPACITY_P95
        runs.append({"phones": phones, **overall, "held": held, "hello_rps": hello_rps})
        return held

    held, failed = 0, None
    for phones in arguments.capacity_steps:
        if not holds(phones):
            failed = phones
            break
        held = phones
    for _ in range(3):
        if failed is None or failed - held <= max(held // 10, 1):
            break
        middle = (held + failed) // 2
        if holds(middle):
            held = middle
        else:
            failed = middle
    hello_rps = median([run["hello_rps"] for run in runs])
    return {"held": held, "failed": failed, "runs": runs, "hello_rps": hello_rps}


def log_in(url: str, username: str, password: str) -> str:
    client = HttpClient(url)
    status, _headers, _text = client.post("/login/", {"username": username, "password": password})
    session = client.cookie("sessionid")
    if status != 302 or session is None:
        raise RuntimeError(f"login as {username} failed with HTTP {status}")
    return session


def print_table(database: str, rows: list[dict], export: dict, realistic: dict, capacity: dict):
    print(f"\nKodeks benchmark on {database}\n")
    header = f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
    print(header + f"{'baseline':>12} {'req/s':>8} {'ratio':>7}  budget")
    for row in rows:
        budget = (
            f"≥ {row['budget']:.0%} {'ok' if row['met'] else 'MISSED'}" if row["budget"] else ""
        )
        ratio = f"{row['ratio']:.1%}" if row["ratio"] is not None else ""
        baseline = f"{row['baseline_rps']:.0f}" if row["baseline_rps"] is not None else ""
        print(
            f"{row['label']:34} {row['rps']:8.1f} {row['p50']:8.1f} {row['p95']:8.1f} "
            f"{row['p99']:8.1f} {row['errors']:7d} {row['baseline'] or '':>12} {baseline:>8} "
            f"{ratio:>7}  {budget}"
        )
    print(
        f"\nCSV export of {export['lines'] - 1:,} group rows, streamed: first byte "
        f"{export['first_byte_s']:.3f} s (budget < {EXPORT_FIRST_BYTE_BUDGET:.0f} s), total "
        f"{export['total_s']:.1f} s, {export['bytes'] / 1e6:.1f} MB; server peak "
        f"{export['server_peak_mb']:.0f} MB, grew {export['server_growth_mb']:.1f} MB "
        f"(budget < {EXPORT_MEMORY_BUDGET} MB)"
    )
    print(
        f"\nRealistic workshop for {realistic['seconds']:.0f} s: {realistic['phones']} phones "
        "poll every 3 s and save notes every 30 s, 5 dashboards poll every 3 s"
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
    print(
        f"Note saves: {realistic['saves']}, of them {realistic['merged']} merged with others' "
        f"saves; words missing from the stored notes: {realistic['lost_words']} (budget 0)"
    )
    print(
        f"Worker memory after the first minute: grew at most "
        f"{realistic['memory_growth_mb']:.1f} MB (budget ≤ {REALISTIC_MEMORY_BUDGET} MB)"
    )
    print(
        f"\nCapacity (p95 ≤ {CAPACITY_P95} ms, no errors): "
        + ", ".join(
            f"{run['phones']} {'held' if run['held'] else 'failed'} (p95 {run['p95']:.0f} ms"
            f"{', ' + str(run['errors']) + ' errors' if run['errors'] else ''}, "
            f"hello {run['hello_rps']:.0f}/s)"
            for run in capacity["runs"]
        )
    )
    print(
        f"Capacity: {capacity['held']} phones held; budget ≥ {capacity['limit']:.0f} "
        f"({CAPACITY_BUDGET:.0%} of the anonymous hello's {capacity['hello_rps']:.0f} req/s, "
        "the median of those measured before each step)"
    )


def throughput_phases(arguments: argparse.Namespace) -> list[str]:
    """Each kind of request right after its baseline, in rounds."""
    phases = []
    for item in THROUGHPUT:
        users = arguments.users
        if item.writes:
            users = min(users, arguments.groups)
        elif item.phase == "report":
            users = arguments.report_users
        phases += [f"{BASELINE_PHASES[item.baseline]}@{arguments.users}", f"{item.phase}@{users}"]
    return phases * arguments.rounds


def median(values: list) -> float:
    return statistics.median(values)


def run(arguments: argparse.Namespace) -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kodeks-bench-")))
        url = stack.enter_context(postgres_database(database_url)) if on_postgres else None
        env = {
            **production_env(tmp, url, static_root=arguments.static_root),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
        server = Server(url="", env=env)
        started = time.monotonic()
        print("Building the database…", file=sys.stderr)
        server.manage("migrate", "--noinput")
        server.manage("load_kodeks")
        if arguments.static_root is None:
            server.manage("collectstatic", "--noinput")
        built = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "data.py"),
                f"--closed={arguments.closed}",
                f"--groups={arguments.groups}",
                f"--phones={max(arguments.phones, *arguments.capacity_steps)}",
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
        plan_path = tmp / "plan.json"
        plan_path.write_text(json.dumps(plan))

        print("Measuring each kind of request after its baseline…", file=sys.stderr)
        measured = load(
            plan_path,
            *throughput_phases(arguments),
            seconds=arguments.seconds,
            warmup=arguments.warmup,
        )
        print("Measuring the CSV export…", file=sys.stderr)
        exports = [measure_export(app, plan_path) for _ in range(arguments.exports)]
        print(
            f"Running the realistic workshop for {arguments.realistic_seconds:.0f} s…",
            file=sys.stderr,
        )
        realistic = measure_realistic(
            app, server, plan_path, arguments.realistic_seconds, arguments.phones
        )
        print("Finding the capacity…", file=sys.stderr)
        capacity = find_capacity(plan_path, arguments)

    # The load ran each measurement right after its baseline, in rounds: each kind's figure
    # is its round with the median ratio, so one round on a machine that slowed down or sped
    # up in between neither flatters nor sinks it.
    pairs = [
        (item, baseline["requests"][item.baseline], outcome["requests"][item.name])
        for round_start in range(0, len(measured), 2 * len(THROUGHPUT))
        for item, baseline, outcome in zip(
            THROUGHPUT,
            measured[round_start : round_start + 2 * len(THROUGHPUT) : 2],
            measured[round_start + 1 : round_start + 2 * len(THROUGHPUT) : 2],
            strict=True,
        )
    ]
    rows, budgets, means = [], [], {}
    for name in BASELINE_PHASES:
        runs = [baseline for item, baseline, _ in pairs if item.baseline == name]
        figures = {key: round(median([run[key] for run in runs]), 1) for key in PERCENTILES}
        means[name] = figures["rps"]
        errors = sum(run["errors"] for run in runs)
        budgets.append(Budget(f"{name}: errors", errors, 0, at_most=True))
        rows.append(
            {
                "label": f"{name} (baseline, median of {len(runs)})",
                **figures,
                "errors": errors,
                "count": sum(run["count"] for run in runs),
                "baseline": None,
                "baseline_rps": None,
                "ratio": None,
                "budget": None,
                "met": True,
            }
        )
    for item in THROUGHPUT:
        rounds = sorted(
            (
                (figures["rps"] / baseline["rps"], baseline, figures)
                for i, baseline, figures in pairs
                if i == item
            ),
            key=lambda round_: round_[0],
        )
        ratio, baseline, figures = rounds[len(rounds) // 2]
        label = item.label.format(groups=arguments.groups, closed=arguments.closed)
        errors = sum(round_[2]["errors"] for round_ in rounds)
        if item.budget is not None:
            budgets.append(Budget(f"{label} ÷ {item.baseline}", ratio, item.budget))
        budgets.append(Budget(f"{label}: errors", errors, 0, at_most=True))
        rows.append(
            {
                "label": label,
                **{key: figures[key] for key in PERCENTILES},
                "errors": errors,
                "count": sum(round_[2]["count"] for round_ in rounds),
                "baseline": item.baseline,
                "baseline_rps": baseline["rps"],
                "ratio": ratio,
                "ratios": [round(round_[0], 4) for round_ in rounds],
                "budget": item.budget,
                "met": item.budget is None or ratio >= item.budget,
            }
        )
    export = {
        **max(exports, key=lambda run: run["first_byte_s"]),
        "server_growth_mb": max(run["server_growth_mb"] for run in exports),
        "server_peak_mb": max(run["server_peak_mb"] for run in exports),
    }
    expected_lines = plan["closed_groups"] + 1
    capacity["limit"] = CAPACITY_BUDGET * capacity["hello_rps"]
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
        Budget("realistic: errors", realistic["overall"]["errors"], 0, True),
        Budget("realistic: words lost", realistic["lost_words"], 0, True),
        Budget(
            "realistic: worker memory growth (MB)",
            realistic["memory_growth_mb"],
            REALISTIC_MEMORY_BUDGET,
            True,
        ),
        Budget("capacity: phones held", capacity["held"], capacity["limit"]),
    ]
    database = "PostgreSQL" if on_postgres else "SQLite"
    print_table(database, rows, export, realistic, capacity)
    missed = [budget for budget in budgets if not budget.met]
    for budget in missed:
        print(f"MISSED: {budget.name} = {budget.value:.4g} (limit {budget.limit:.4g})")
    for sample in {
        sample for outcome in [*measured, realistic] for sample in outcome["error_samples"]
    }:
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
        "realistic": {
            **realistic["requests"],
            **{
                key: realistic[key] for key in ("memory_growth_mb", "saves", "merged", "lost_words")
            },
        },
        "capacity": capacity,
        "budgets": [budget.as_dict() for budget in budgets],
        "ok": not missed,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if missed else 0


def steps(value: str) -> list[int]:
    return [int(step) for step in value.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--closed", type=int, default=10_000, help="closed workshops (10000)")
    parser.add_argument("--groups", type=int, default=50, help="groups in the live workshop")
    parser.add_argument("--seconds", type=float, default=5, help="per measurement (5)")
    parser.add_argument("--rounds", type=int, default=3, help="of every measurement (3)")
    parser.add_argument("--warmup", type=float, default=3, help="before each measurement (3)")
    parser.add_argument("--users", type=int, default=16, help="concurrent users (16)")
    parser.add_argument("--report-users", type=int, default=4, help="concurrent HR users (4)")
    parser.add_argument("--exports", type=int, default=2, help="CSV exports to time (2)")
    parser.add_argument("--phones", type=int, default=250, help="in the realistic run (250)")
    parser.add_argument(
        "--realistic-seconds", type=float, default=600, help="of the realistic run (600)"
    )
    parser.add_argument(
        "--capacity-steps",
        type=steps,
        default=list(CAPACITY_STEPS),
        help="phones to try, in order (100,250,500,1000,2000,4000)",
    )
    parser.add_argument(
        "--capacity-seconds", type=float, default=30, help="measured per capacity step (30)"
    )
    parser.add_argument(
        "--static-root", type=Path, help="static files already collected there are served"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
