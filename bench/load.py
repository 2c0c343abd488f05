"""The load, from a process of its own: locust users act as participants, facilitator and HR.

`python bench/load.py PLAN.json PHASE[@USERS] … [--users N] [--seconds S] [--warmup W]` runs the
phases one after the other against the server named in the plan, each with N concurrent users
(or USERS), and prints one JSON object per phase, a line each: for every kind of request its
count, errors, statuses, requests per second and percentiles of the response time in ms.
`--phones N` sets how many phones the realistic phase has, `--words FILE` where it writes the
words its phones saved.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import html  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

SPACE = re.compile(r"\s")
SHARED_TEXTS = re.compile(rb'data-shared-texts="([^"]*)"')
DILEMMA = re.compile(rb"dilemma=(\d+)")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
# How often the pages poll (templates/workshops/group.html and dashboard.html).
POLL_SECONDS = 3.0
SAVE_SECONDS = 30.0
DASHBOARDS = 5


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
        everything = sorted(value for times in self.times.values() for value in times)
        overall = {
            "count": len(everything),
            "errors": sum(self.errors.values()),
            "p95": round(percentile(everything, 0.95), 1),
        }
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
        return {
            "seconds": round(seconds, 1),
            "requests": requests,
            "overall": overall,
            "error_samples": self.samples,
        }


RECORDER = Recorder()
# The realistic run's note saves: every word the phones put in, and how many saves were
# merged with others' (bench/run.py then finds each word in the stored notes).
SAVES: dict = {"words": [], "merged": 0}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return 0.0
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


def cookies(plan: dict, **values: str) -> dict:
    """The app's cookies, by the names the plan says its settings give them ("session",
    "csrf", "participant"). They are Secure; over loopback HTTP they are sent by hand."""
    names = plan["cookie_names"]
    return {
        "Cookie": "; ".join(f"{names[kind]}={value}" for kind, value in values.items() if value)
    }


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

    def poll(self, name: str, path: str, headers: dict, statuses=(200, 304)) -> None:
        """Ask a live view, as the page does, with the ETag of what it already shows."""
        headers = {**headers, **HTMX}
        if self.etag:
            headers["If-None-Match"] = self.etag
        response = self.expect(name, path, set(statuses), headers=headers)
        self.etag = (response.headers or {}).get("ETag", self.etag)
        return response


class Staff(Visitor):
    abstract = True
    role = "facilitator"

    def on_start(self) -> None:
        super().on_start()
        self.headers = cookies(self.plan, session=self.plan[f"{self.role}_session"])


class Participant(Visitor):
    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.me = self.pick(self.plan["participants"])
        self.headers = cookies(self.plan, participant=self.me["cookie"], csrf=self.plan["csrf"])
        self.writing = {**self.headers, **FORM, "X-CSRFToken": self.plan["csrf"]}
        self.text, self.version = self.plan["notes"], self.me["version"]
        self.case = self.me["case"]

    def pick(self, participants: list[dict]) -> dict:
        return participants[self.number % len(participants)]

    def learn(self, response) -> None:
        """The group's notes and case as a live section shows them: the notes when newer
        than what this phone has, as the page's script merges them in."""
        content = response.content or b"" if response.status_code == 200 else b""
        if found := SHARED_TEXTS.search(content):
            notes = json.loads(html.unescape(found.group(1).decode()))["notes"]
            if notes["version"] > self.version:
                self.text, self.version = notes["text"], notes["version"]
        if found := DILEMMA.search(content):
            self.case = int(found.group(1))

    def catch_up(self) -> None:
        """Read the group's notes once, as opening the page does: earlier measurements have
        saved since the plan was made."""
        path = f"{self.me['group']}?fase={self.plan['phase']}"
        self.learn(self.expect("gruppens noter", path, {200}, headers={**self.headers, **HTMX}))

    def save_notes(self, name: str) -> None:
        """Autosave as the page does: a word of this phone's own put into the text it last saw,
        from the revision it last saw. The answer is the text merged with the others' saves."""
        spaces = [found.start() for found in SPACE.finditer(self.text)] or [len(self.text)]
        at = random.choice(spaces)
        word = f"ord{self.number}x{len(SAVES['words'])}"
        text = f"{self.text[:at]} {word}{self.text[at:]}"
        response = self.expect(
            name,
            self.me["save-notes"],
            {200},
            method="POST",
            headers={**self.writing, "Accept": "application/json"},
            body=urllib.parse.urlencode({"text": text, "version": self.version}),
            needle=b'"version"',
        )
        if response.status_code != 200:
            return
        answer = json.loads(response.content)
        self.text, self.version = answer["text"], answer["version"]
        if RECORDER.recording:
            SAVES["words"].append(word)
            SAVES["merged"] += answer["merged"]


class GroupWriter(Participant):
    """One writer per group, so no write waits for or conflicts with another in its group."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        self.catch_up()

    def pick(self, participants: list[dict]) -> dict:
        """The first member of each group of the watched workshop, which come first."""
        return participants[(self.number % self.plan["groups"]) * self.plan["members"]]


class Hello(Visitor):
    @task
    def hello(self) -> None:
        self.expect("hello", "/bench/hello/", {200}, needle=b"Hej")


class StaffHello(Staff):
    @task
    def hello(self) -> None:
        self.expect("staff hello", "/bench/hello/", {200}, headers=self.headers, needle=b"Hej")


class GroupPage(Participant):
    @task
    def group_page(self) -> None:
        self.expect(
            "gruppeside", self.me["group"], {200}, headers=self.headers, needle=b'id="live"'
        )


class UnchangedGroupPoll(Participant):
    """Polls its group, which nobody changes meanwhile; the first poll (in the warm-up)
    learns the ETag."""

    @task
    def unchanged_poll(self) -> None:
        path = f"{self.me['group']}?fase={self.plan['phase']}"
        statuses = {304} if self.etag else {200}
        self.poll("gruppe-poll 304", path, self.headers, statuses=statuses)


class NoteSaver(GroupWriter):
    @task
    def save(self) -> None:
        self.save_notes("noter gemt")


class TagToggler(GroupWriter):
    @task
    def toggle(self) -> None:
        """Tap a duty on or off, as the buttons of the group page do."""
        point = random.choice(self.plan["points"])
        body = urllib.parse.urlencode({"point": point, "on": random.choice(["1", ""])})
        self.expect(
            "tag",
            self.me["tag-point"],
            {200},
            method="POST",
            headers={**self.writing, **HTMX},
            body=body,
            needle=b"aria-pressed",
        )


class CaseChooser(GroupWriter):
    @task
    def choose(self) -> None:
        """Change the group's case, confirmed, as "Skift case" does."""
        case = random.choice([case for case in self.plan["pool"] if case != self.case])
        body = urllib.parse.urlencode({"case": case, "shown": self.case, "confirmed": "on"})
        response = self.expect(
            "case valgt",
            self.me["choose-case"],
            {302},
            method="POST",
            headers=self.writing,
            body=body,
        )
        if response.status_code == 302:
            self.case = case


class UnchangedPoll(Staff):
    """Polls the dashboard of a workshop nobody changes meanwhile; the first poll (in the
    warm-up) learns the ETag."""

    @task
    def unchanged_poll(self) -> None:
        statuses = {304} if self.etag else {200}
        self.poll("dashboard-poll 304", self.plan["dashboard"], self.headers, statuses=statuses)


class Dashboard(Staff):
    @task
    def dashboard(self) -> None:
        needle = f'id="group-{self.plan["groups"]}"'.encode()
        self.expect("dashboard", self.plan["dashboard"], {200}, headers=self.headers, needle=needle)


class Report(Staff):
    role = "hr"

    @task
    def report(self) -> None:
        self.expect("HR-rapport", "/rapporter/", {200}, headers=self.headers, needle=b"<svg")


class Paced(Visitor):
    """Acts every `every` seconds from a moment of its own, as phones that joined at different
    times do. (Locust's constant_pacing counts from the spawn, which puts all users back in
    step after the first round and turns the polls into bursts.)"""

    abstract = True
    every = POLL_SECONDS

    def on_start(self) -> None:
        super().on_start()
        self.due = time.monotonic() + random.uniform(0, self.every)
        gevent.sleep(self.due - time.monotonic())

    def wait_time(self) -> float:
        self.due += self.every
        return max(0.0, self.due - time.monotonic())


class Phone(Paced, Participant):
    """A phone in a group: polls as the page does, autosaves notes every 30 s."""

    def on_start(self) -> None:
        super().on_start()
        self.catch_up()
        self.next_save = time.monotonic() + random.uniform(0, SAVE_SECONDS)

    @task
    def poll_and_save(self) -> None:
        path = f"{self.me['group']}?fase={self.plan['phase']}"
        self.learn(self.poll("deltager-poll", path, self.headers))
        if time.monotonic() >= self.next_save:
            self.next_save += SAVE_SECONDS
            self.save_notes("deltager-noter")


class PollingDashboard(Paced, Staff):
    """A facilitator's dashboard: polls as the page does."""

    @task
    def poll_dashboard(self) -> None:
        self.poll("dashboard-poll", self.plan["dashboard"], self.headers)


PHASES = {
    "hello": [Hello],
    "staff-hello": [StaffHello],
    "group": [GroupPage],
    "group-poll": [UnchangedGroupPoll],
    "tag": [TagToggler],
    "case": [CaseChooser],
    "notes": [NoteSaver],
    "poll": [UnchangedPoll],
    "dashboard": [Dashboard],
    "report": [Report],
    "realistic": [Phone, PollingDashboard],
}


def run_users(plan: dict, phase: str, users: int, arguments: argparse.Namespace) -> dict:
    classes = PHASES[phase]
    # Each phase's users are numbered from 0, so N phones are the plan's first N.
    Visitor.numbers = itertools.count()
    for user_class in classes:
        user_class.plan = plan
        user_class.host = plan["url"]
    recorder = RECORDER
    SAVES.update(words=[], merged=0)
    environment = Environment(user_classes=classes)
    environment.events.request.add_listener(recorder.on_request)
    runner = environment.create_local_runner()
    if phase == "realistic":
        Phone.fixed_count, PollingDashboard.fixed_count = arguments.phones, DASHBOARDS
        users = arguments.phones + DASHBOARDS
    runner.start(users, spawn_rate=users)
    # Realistic phones start within their first poll interval, each at a moment of its own,
    # and open their group page: measured from the first interval, or once they all have.
    gevent.sleep(max(POLL_SECONDS, arguments.warmup) if phase == "realistic" else arguments.warmup)
    recorder.start()
    gevent.sleep(arguments.seconds)
    recorder.stop()
    runner.quit()
    saves = {}
    if phase == "realistic":
        # The words go to a file: a pipe holds 64 KiB, ten minutes of saves more.
        with open(arguments.words, "w", encoding="utf-8") as file:
            json.dump(SAVES["words"], file)
        saves = {"saves": len(SAVES["words"]), "merged": SAVES["merged"]}
    return {
        **recorder.result(),
        **saves,
        "users": users,
        "load_cpu_warning": runner.cpu_warning_emitted,
    }


def run_export(plan: dict, path: str) -> dict:
    """One streamed download, read as a spreadsheet program would: first byte, rows, total."""
    parsed = urllib.parse.urlsplit(plan["url"])
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)
    started = time.monotonic()
    connection.request("GET", path, headers=cookies(plan, session=plan["hr_session"]))
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
    parser.add_argument("phases", nargs="+", metavar="PHASE[@USERS]")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--phones", type=int, default=250)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--words", default=os.devnull, help="file for the realistic run's words")
    arguments = parser.parse_args()
    with open(arguments.plan, encoding="utf-8") as file:
        plan = json.load(file)
    for spec in arguments.phases:
        phase, _, users = spec.partition("@")
        if phase == "export":
            result = run_export(plan, "/rapporter/raekker.csv")
        elif phase in PHASES:
            result = run_users(plan, phase, int(users or arguments.users), arguments)
        else:
            parser.error(f"unknown phase {phase!r}; the phases are {', '.join(PHASES)}, export")
        print(json.dumps({"phase": phase, **result}), flush=True)


if __name__ == "__main__":
    main()
