from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kodeks.database import make_private


class Command(BaseCommand):
    help = (
        "Tager en konsistent kopi af SQLite-databasen, mens appen kører (SQLites online "
        "backup). PostgreSQL tages backup af med pg_dump; se README."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Filen, kopien skrives til.")
        parser.add_argument(
            "--force", action="store_true", help="Overskriv filen, hvis den findes."
        )

    def handle(self, *args, path: str, force: bool, **options) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                "Databasen er PostgreSQL: tag backup med pg_dump (se README under Backup)."
            )
        target = Path(path)
        if target.exists() and not force:
            raise CommandError(f"{target} findes allerede. Brug --force for at overskrive den.")
        if not target.parent.is_dir():
            raise CommandError(f"Mappen {target.parent} findes ikke.")
        # Write beside the target and move into place, so a failed run leaves no half copy.
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        # Private from its first byte: the copy holds password hashes, sessions and notes.
        partial.touch(mode=0o600)
        connection.ensure_connection()
        with closing(sqlite3.connect(partial)) as copy:
            connection.connection.backup(copy)
            (check,) = copy.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            partial.unlink()
            raise CommandError(f"Kopien er ikke sund: {check}")
        make_private(partial)
        partial.replace(target)
        self.stdout.write(f"Backup skrevet til {target} ({target.stat().st_size} bytes).")
