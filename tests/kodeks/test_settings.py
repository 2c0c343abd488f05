from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kodeks.settings import database_from_url, env_bool, env_list
from tests.servers import production_env

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    assert env_bool("DJANGO_DEBUG", default=True) is False
    monkeypatch.setenv("DJANGO_DEBUG", "True")
    assert env_bool("DJANGO_DEBUG", default=False) is True
    monkeypatch.delenv("DJANGO_DEBUG")
    assert env_bool("DJANGO_DEBUG", default=True) is True


def test_env_bool_rejects_other_values_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", default=False)


def test_env_list_splits_hosts(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "kodeks.aarhus.dk, localhost")
    assert env_list("DJANGO_ALLOWED_HOSTS", default=[]) == ["kodeks.aarhus.dk", "localhost"]
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS"):
        env_list("DJANGO_ALLOWED_HOSTS", default=[])


def test_postgres_url_selects_postgresql():
    database = database_from_url("postgres://kodeks:hemmelig@db.local:5433/kodeks")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "kodeks",
        "kodeks",
        "hemmelig",
    )
    assert (database["HOST"], database["PORT"]) == ("db.local", "5433")
    # Django's own pool, which checks a connection before lending it.
    assert database["OPTIONS"]["pool"]
    assert database["CONN_HEALTH_CHECKS"] and database["CONN_MAX_AGE"] == 0


def test_sqlite_url_uses_wal_immediate_transactions_and_a_busy_timeout():
    database = database_from_url("sqlite:////var/lib/kodeks/db.sqlite3")
    assert str(database["NAME"]) == "/var/lib/kodeks/db.sqlite3"
    assert database_from_url("sqlite:///demo.sqlite3")["NAME"] == ROOT / "demo.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] > 0


@pytest.mark.parametrize(
    "url", ["mysql://x/y", "postgres://host:5432/", "sqlite://", "postgres://h:port/db"]
)
def test_bad_database_url_names_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_default_database_is_sqlite_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("runs against the default SQLite database")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        # The test database is in memory, where SQLite reports "memory" instead of WAL.
        assert cursor.fetchone()[0] in {"wal", "memory"}


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DJANGO_DEBUG", "maybe"), ("DATABASE_URL", "mysql://db/kodeks"), ("DJANGO_SECRET_KEY", "")],
)
def test_bad_environment_stops_start_up(variable, value):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50, variable: value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert variable in result.stderr


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = production_env(tmp_path)
    env["DATABASE_URL"] = "postgres://kodeks:secret@db.example.dk:5432/kodeks"
    env["DJANGO_ALLOWED_HOSTS"] = "kodeks.example.dk"
    del env["DJANGO_SECURE_SSL_REDIRECT"]  # production redirects to HTTPS
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
