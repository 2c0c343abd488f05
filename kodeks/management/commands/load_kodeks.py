from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import Case

# In dependency order: cases refer to the points of their codex.
FIXTURES = ["kl_kodeks", "kl_cases", "god_ledelse", "samarbejde", "tillid", "guides"]


class Command(BaseCommand):
    help = (
        "Indlæser KL’s kodekser, pligter, cases og temaer fra fixtures. Kan køres igen: "
        "KL’s indhold opdateres, og organisationernes egne cases røres ikke."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            call_command("loaddata", *FIXTURES, verbosity=0)
            # loaddata saves raw rows, so the search text is derived here.
            cases = list(Case.objects.public())
            for case in cases:
                case.search_text = case.build_search_text()
            Case.objects.bulk_update(cases, ["search_text"])
        self.stdout.write(self.style.SUCCESS(f"Kodeks-indholdet er indlæst ({len(cases)} cases)."))
