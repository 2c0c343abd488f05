"""The app as it runs in production: gunicorn, DEBUG off, collected static files, a real database.

Browser tests that measure what a visitor downloads, and tests that need several app processes,
start it from here.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


def production_env(tmp_path: Path, database_url: str | None = None) -> dict:
    # The browser tests allow sync ORM calls beside Playwright's loop; production must not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
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


@contextmanager
def gunicorn(env: dict, *, workers: int = 1) -> Iterator[str]:
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
            "--worker-class",
            "gthread",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    try:
        _wait_until_up(url + "/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def production_server(tmp_path: Path, database_url: str | None = None) -> Iterator[Server]:
    """A migrated database with the codex content, static files collected, gunicorn serving."""
    server = Server(url="", env=production_env(tmp_path, database_url))
    server.manage("migrate", "--noinput")
    server.manage("load_kodeks")
    server.manage("collectstatic", "--noinput")
    with gunicorn(server.env) as url:
        server.url = url
        yield server
