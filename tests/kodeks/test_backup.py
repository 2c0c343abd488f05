from __future__ import annotations

import io
import os
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_workshop
from tests.servers import Server, production_env
from workshops import domain
from workshops.models import SharedText

# The command runs outside any transaction, as it does from the shell.
pytestmark = pytest.mark.django_db(transaction=True)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the backup command copies SQLite databases"
)


def backup(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("backup", str(path), *args, stdout=out)
    return out.getvalue()


@sqlite_only
def test_backup_copies_the_live_database_and_restores(tmp_path, alice, content):
    workshop = make_workshop(alice, title="Sikkerhedskopieret")
    group = workshop.groups.first()
    domain.save_text(group, SharedText.NOTES, text="Noter før backup", version=0)
    target = tmp_path / "kodeks-backup.sqlite3"
    assert "Backup skrevet til" in backup(target)

    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        titles = copy.execute("SELECT title FROM workshops_workshop").fetchall()
    assert titles == [("Sikkerhedskopieret",)]

    # Restore: the app started on the copy finds the data.
    restored = Server(url="", env=production_env(tmp_path, f"sqlite:///{target}"))
    code = f"from workshops.models import Group; print(Group.objects.get(pk={group.pk}).notes)"
    assert restored.manage("shell", "--no-imports", "-c", code).strip() == "Noter før backup"


@sqlite_only
def test_backup_while_others_write_is_consistent(tmp_path, alice, content):
    workshop = make_workshop(alice, title="Travl")
    group = workshop.groups.first()
    stop = threading.Event()

    def write():
        version = 0
        while not stop.is_set() and version < 200:
            version = domain.save_text(
                group, SharedText.NOTES, text=f"version {version + 1}", version=version
            ).version

    writer = threading.Thread(target=write)
    writer.start()
    try:
        backup(tmp_path / "live.sqlite3")
    finally:
        stop.set()
        writer.join()
    with closing(sqlite3.connect(tmp_path / "live.sqlite3")) as copy:
        notes, version = copy.execute(
            "SELECT notes, notes_version FROM workshops_group WHERE id = ?", (group.pk,)
        ).fetchone()
    assert notes == ("" if version == 0 else f"version {version}")


@sqlite_only
def test_backup_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "kodeks.sqlite3"
    target.write_text("vigtig fil")
    with pytest.raises(CommandError, match="findes allerede"):
        backup(target)
    assert target.read_text() == "vigtig fil"
    backup(target, "--force")
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL has pg_dump")
def test_backup_of_postgresql_points_to_pg_dump(tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        backup(tmp_path / "kodeks.sqlite3")
    assert not (tmp_path / "kodeks.sqlite3").exists()


@sqlite_only
def test_backup_is_readable_by_the_app_user_only(tmp_path, alice, content):
    # As a shell's default umask: new files readable by everyone.
    previous = os.umask(0o022)
    try:
        target = tmp_path / "kodeks-backup.sqlite3"
        backup(target)
        again = tmp_path / "again.sqlite3"
        again.write_text("")
        backup(again, "--force")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(again.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "again.sqlite3",
        "kodeks-backup.sqlite3",
    ]
