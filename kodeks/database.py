"""The SQLite database's files are the app's alone: they hold password hashes, sessions and
what groups wrote."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.db.backends.signals import connection_created
from django.dispatch import receiver

PRIVATE = stat.S_IRUSR | stat.S_IWUSR  # 0600
# SQLite's write-ahead log and its index beside the database; it creates them with the
# database file's mode, so they follow once the database is private.
COMPANIONS = ("", "-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Readable and writable by the file's owner only, whatever the process's umask."""
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            if stat.S_IMODE(companion.stat().st_mode) != PRIVATE:
                os.chmod(companion, PRIVATE)
        except FileNotFoundError:
            continue


@receiver(connection_created)
def _private_sqlite_files(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    make_private(Path(name))
