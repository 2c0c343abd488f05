from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from workshops.domain import purge_notes, release_purged_text


class Command(BaseCommand):
    help = (
        "Sletter noter, konklusioner, egne dilemmaer og deltagernes navne fra workshops, der "
        "blev lukket for mere end N dage siden. Tags, cases og antal bevares, så rapporterne "
        "er uændrede. Kør den dagligt."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.KODEKS_NOTES_RETENTION_DAYS,
            help="Slet fra workshops lukket for mere end så mange dage siden "
            f"(standard {settings.KODEKS_NOTES_RETENTION_DAYS}, sat af "
            "KODEKS_NOTES_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int, **options) -> None:
        if days < 0:
            raise CommandError("--days skal være 0 eller mere.")
        closed_before = timezone.now() - datetime.timedelta(days=days)
        purged = purge_notes(closed_before=closed_before)
        release_purged_text(connection)
        # Expired staff sessions, with Django's own session engine (clearsessions).
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        self.stdout.write(
            f"Lukket før {closed_before:%Y-%m-%d %H:%M}: tekster slettet i "
            f"{purged.groups} grupper og {purged.participants} deltagernavne i "
            f"{purged.workshops} workshops; {purged.throttle_records} gamle adgangsforsøg slettet."
        )
