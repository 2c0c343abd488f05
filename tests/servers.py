"""The app as it runs in production: gunicorn, DEBUG off, collected static files, a real database.

Browser tests that measure what a visitor downloads, and tests that need several app processes,
start it from here.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    env: dict
    urls: list[str] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database; returns its output."""
        completed = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return completed.stdout


def production_env(
    tmp_path: Path, database_url: str | None = None, *, static_root: Path | None = None
) -> dict:
    # The browser tests allow sync ORM calls beside Playwright's loop; production must not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(static_root or tmp_path / "static"),
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url}")


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextmanager
def gunicorn(env: dict, *, workers: int = 1, threads: int = 4) -> Iterator[Gunicorn]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own app
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kodeks.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            # The rest as in production: gunicorn.conf.py, found in the project's folder.
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    try:
        _wait_until_up(url + "/", process)
        yield Gunicorn(url, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def collect_static(static_root: Path) -> Path:
    """Static files as production serves them (hashed, compressed), collected into the folder."""
    Server(url="", env=production_env(static_root.parent, static_root=static_root)).manage(
        "collectstatic", "--noinput"
    )
    return static_root


@contextmanager
def production_server(
    tmp_path: Path,
    database_url: str | None = None,
    *,
    processes: int = 1,
    static_root: Path | None = None,
) -> Iterator[Server]:
    """A migrated database with the codex content, static files collected, gunicorn serving.

    With several processes, each is a gunicorn of its own on its own port, sharing only the
    database: as separate app servers would. Static files already collected into
    `static_root` are served from there.
    """
    server = Server(url="", env=production_env(tmp_path, database_url, static_root=static_root))
    server.manage("migrate", "--noinput")
    server.manage("load_kodeks")
    if static_root is None:
        server.manage("collectstatic", "--noinput")
    with ExitStack() as stack:
        server.urls = [stack.enter_context(gunicorn(server.env)).url for _ in range(processes)]
        server.url = server.urls[0]
        yield server


@contextmanager
def postgres_database(admin_url: str = "") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `admin_url`; dropped afterwards."""
    import psycopg

    admin_url = admin_url or os.environ.get(
        "CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    base = admin_url.rsplit("/", 1)[0]
    name = f"kodeks_servers_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class HttpClient:
    """A participant's or facilitator's browser without a browser: cookies and CSRF by hand.

    The app's cookies are Secure in production; over loopback HTTP a cookie jar would not send
    them back, so this keeps them itself.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def cookie(self, name: str) -> str | None:
        """The cookie `name`, or its "__Host-" form that production sets."""
        return self.cookies.get(f"__Host-{name}", self.cookies.get(name))

    def request(self, method: str, path: str, data: dict | None = None, headers=None):
        parsed = urllib.parse.urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        body = urllib.parse.urlencode(data or {}) if method == "POST" else None
        all_headers = {"Host": parsed.netloc, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers["X-CSRFToken"] = self.cookie("csrftoken") or ""
            all_headers["Referer"] = self.base_url + path
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(header)
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def get(self, path: str, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict, headers=None):
        if self.cookie("csrftoken") is None:
            self.get("/deltag/")
        return self.request("POST", path, data, headers)
