from __future__ import annotations

import os
import stat

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from kodeks.settings import sqlite_database


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own files")
def test_sqlite_database_and_its_log_are_readable_by_the_app_user_only(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    database = ConnectionHandler({"default": sqlite_database(path)})["default"]
    # As a shell's default umask: new files readable by everyone.
    previous = os.umask(0o022)
    try:
        with django_db_blocker.unblock(), database.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
            cursor.execute("INSERT INTO note VALUES ('Borgmesteren sagde')")
            files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    finally:
        database.close()
        os.umask(previous)
    assert files == {"db.sqlite3": 0o600, "db.sqlite3-wal": 0o600, "db.sqlite3-shm": 0o600}
