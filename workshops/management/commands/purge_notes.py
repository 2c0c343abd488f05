from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import ngettext

from kodeks import audit
from kodeks.models import AuditEntry
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
        for organisation_id, count in purged.by_organisation.items():
            AuditEntry.objects.create(
                organisation_id=organisation_id,
                action=AuditEntry.Action.NOTES_PURGED,
                object_label=ngettext(
                    "Tekster slettet i %(count)s workshop",
                    "Tekster slettet i %(count)s workshops",
                    count,
                )
                % {"count": count},
            )
        audit_count = audit.purge_old()
        self.stdout.write(
            f"Lukket før {closed_before:%Y-%m-%d %H:%M}: tekster slettet i "
            f"{purged.groups} grupper og {purged.participants} deltagernavne i "
            f"{purged.workshops} workshops; {purged.throttle_records} gamle adgangsforsøg og "
            f"{audit_count} gamle logposter slettet."
        )
