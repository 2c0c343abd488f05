"""The load, from a process of its own: locust users act as participants, facilitator and HR.

`python bench/load.py PLAN.json PHASE [--users N] [--seconds S] [--warmup W]` runs one phase
against the server named in the plan and prints one JSON object: for every kind of request its
count, errors, statuses, requests per second and percentiles of the response time in ms.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

VERSION = re.compile(rb'name="version" value="(\d+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
CONFLICT = 409


class Recorder:
    """Response times and outcomes of the requests that end inside the measured window."""

    def __init__(self) -> None:
        self.recording = False
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.samples: list[str] = []
        self.started = self.stopped = 0.0

    def start(self) -> None:
        self.times.clear()
        self.errors.clear()
        self.statuses.clear()
        self.started, self.recording = time.monotonic(), True

    def stop(self) -> None:
        self.stopped, self.recording = time.monotonic(), False

    def on_request(self, name, response_time, exception, response=None, **kwargs) -> None:
        if not self.recording:
            return
        self.times[name].append(response_time)
        status = getattr(response, "status_code", 0) or 0
        self.statuses[name][str(status)] += 1
        if exception is not None:
            self.errors[name] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{name}: {exception}")

    def result(self) -> dict:
        seconds = self.stopped - self.started
        requests = {}
        for name, times in sorted(self.times.items()):
            times.sort()
            requests[name] = {
                "count": len(times),
                "errors": self.errors[name],
                "statuses": dict(self.statuses[name]),
                "rps": round(len(times) / seconds, 1),
                **{f"p{q}": round(percentile(times, q / 100), 1) for q in (50, 95, 99)},
            }
        return {"seconds": round(seconds, 1), "requests": requests, "error_samples": self.samples}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return 0.0
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


def cookies(session: str, csrf: str = "") -> dict:
    """The app's cookies are Secure; over loopback HTTP they are sent by hand."""
    value = f"sessionid={session}" + (f"; csrftoken={csrf}" if csrf else "")
    return {"Cookie": value}


class Visitor(FastHttpUser):
    """One browser; `plan` says who it is and what to ask for."""

    abstract = True
    wait_time = constant(0)
    plan: dict = {}
    numbers = itertools.count()
    etag = ""

    def on_start(self) -> None:
        self.number = next(Visitor.numbers)

    def expect(self, name, path, statuses, *, method="GET", headers=None, body=None, needle=b""):
        with self.client.request(
            method,
            path,
            name=name,
            headers=headers,
            data=body,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code not in statuses:
                response.failure(f"HTTP {response.status_code}")
            elif needle and needle not in (response.content or b""):
                response.failure(f"svaret mangler {needle!r}")
            else:
                response.success()
            return response

    def poll(self, name: str, path: str, headers: dict) -> None:
        """Ask a live view, as the page does, with the ETag of what it already shows."""
        headers = {**headers, **HTMX}
        if self.etag:
            headers["If-None-Match"] = self.etag
        response = self.expect(name, path, {200, 304}, headers=headers)
        self.etag = (response.headers or {}).get("ETag", self.etag)


class Participant(Visitor):
    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.me = self.pick(self.plan["participants"])
        self.headers = cookies(self.me["session"], self.plan["csrf"])
        self.version = self.me["version"]

    def pick(self, participants: list[dict]) -> dict:
        return participants[self.number % len(participants)]

    def save_notes(self, name: str, *, conflicts_allowed: bool) -> None:
        """Autosave as the page does; after a conflict, merge and save again as people would."""
        for attempt in range(5):
            body = urllib.parse.urlencode(
                {
                    "notes": f"Noter fra deltager {self.number}, gemt {attempt} {time.time()}",
                    "version": self.version,
                }
            )
            headers = {**self.headers, **HTMX, **FORM, "X-CSRFToken": self.plan["csrf"]}
            statuses = {200, CONFLICT} if conflicts_allowed else {200}
            response = self.expect(
                name,
                self.me["notes"],
                statuses,
                method="POST",
                headers=headers,
                body=body,
                needle=b'id="notes-state"',
            )
            found = VERSION.search(response.content or b"")
            if found:
                self.version = int(found.group(1))
            if response.status_code != CONFLICT:
                return


class GroupPage(Participant):
    @task
    def group_page(self) -> None:
        self.expect(
            "gruppeside", self.me["group"], {200}, headers=self.headers, needle=b'id="live"'
        )


class NoteSaver(Participant):
    def pick(self, participants: list[dict]) -> dict:
        """One writer per group, so no save conflicts with another: the group's first member."""
        members = len(participants) // self.plan["groups"]
        return participants[(self.number % self.plan["groups"]) * members]

    @task
    def save(self) -> None:
        self.save_notes("noter gemt", conflicts_allowed=False)


class Hello(Visitor):
    @task
    def hello(self) -> None:
        self.expect("hello", "/bench/hello/", {200}, needle=b"Hej")


class UnchangedPoll(Visitor):
    @task
    def unchanged_poll(self) -> None:
        headers = {
            **cookies(self.plan["facilitator_session"]),
            **HTMX,
            "If-None-Match": self.plan["etag"],
        }
        self.expect("dashboard-poll 304", self.plan["dashboard"], {304}, headers=headers)


class Dashboard(Visitor):
    @task
    def dashboard(self) -> None:
        needle = f'id="group-{self.plan["groups"]}"'.encode()
        headers = cookies(self.plan["facilitator_session"])
        self.expect("dashboard", self.plan["dashboard"], {200}, headers=headers, needle=needle)


class Report(Visitor):
    @task
    def report(self) -> None:
        headers = cookies(self.plan["hr_session"])
        self.expect("HR-rapport", "/rapporter/", {200}, headers=headers, needle=b"<svg")


class Paced(Visitor):
    """Acts every `every` seconds from a moment of its own, as phones that joined at different
    times do. (Locust's constant_pacing counts from the spawn, which puts all users back in
    step after the first round and turns the polls into bursts.)"""

    abstract = True
    every = 5.0

    def on_start(self) -> None:
        super().on_start()
        self.due = time.monotonic() + random.uniform(0, self.every)
        gevent.sleep(self.due - time.monotonic())

    def wait_time(self) -> float:
        self.due += self.every
        return max(0.0, self.due - time.monotonic())


class PollingMember(Paced, Participant):
    """A phone in the realistic workshop: polls every 5 s, autosaves notes every 30 s."""

    every = 5.0
    fixed_count = 250

    def on_start(self) -> None:
        super().on_start()
        self.next_save = time.monotonic() + random.uniform(0, 30)

    @task
    def poll_and_save(self) -> None:
        self.poll("deltager-poll", f"{self.me['group']}?fase={self.plan['phase']}", self.headers)
        if time.monotonic() >= self.next_save:
            self.next_save += 30
            self.save_notes("deltager-noter", conflicts_allowed=True)


class PollingDashboard(Paced):
    """A facilitator's dashboard in the realistic workshop: polls every 3 s."""

    every = 3.0
    fixed_count = 5

    @task
    def poll_dashboard(self) -> None:
        headers = cookies(self.plan["facilitator_session"])
        self.poll("dashboard-poll", self.plan["dashboard"], headers)


PHASES = {
    "hello": [Hello],
    "group": [GroupPage],
    "poll": [UnchangedPoll],
    "dashboard": [Dashboard],
    "notes": [NoteSaver],
    "report": [Report],
    "realistic": [PollingMember, PollingDashboard],
}


def run_users(plan: dict, phase: str, users: int, seconds: float, warmup: float) -> dict:
    classes = PHASES[phase]
    for user_class in classes:
        user_class.plan = plan
        user_class.host = plan["url"]
    recorder = Recorder()
    environment = Environment(user_classes=classes)
    environment.events.request.add_listener(recorder.on_request)
    runner = environment.create_local_runner()
    if phase == "realistic":
        users = sum(user_class.fixed_count for user_class in classes)
        recorder.start()
    runner.start(users, spawn_rate=users)
    if phase != "realistic":
        gevent.sleep(warmup)
        recorder.start()
    gevent.sleep(seconds)
    recorder.stop()
    runner.quit()
    return {**recorder.result(), "users": users, "load_cpu_warning": runner.cpu_warning_emitted}


def run_export(plan: dict, path: str) -> dict:
    """One streamed download, read as a spreadsheet program would: first byte, rows, total."""
    parsed = urllib.parse.urlsplit(plan["url"])
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)
    started = time.monotonic()
    connection.request("GET", path, headers=cookies(plan["hr_session"]))
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.monotonic() - started
    size, lines = len(first), first.count(b"\n")
    while chunk := response.read(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.monotonic() - started
    connection.close()
    return {
        "status": response.status,
        "streamed": response.getheader("Content-Length") is None,
        "first_byte_s": round(first_byte, 3),
        "total_s": round(total, 2),
        "bytes": size,
        "lines": lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("plan")
    parser.add_argument("phase", choices=[*PHASES, "export"])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    arguments = parser.parse_args()
    with open(arguments.plan, encoding="utf-8") as file:
        plan = json.load(file)
    if arguments.phase == "export":
        result = run_export(plan, "/rapporter/raekker.csv")
    else:
        result = run_users(
            plan, arguments.phase, arguments.users, arguments.seconds, arguments.warmup
        )
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
