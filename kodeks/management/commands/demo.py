from __future__ import annotations

import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.models import Case
from kodeks.models import Codex, Organisation, Point, User
from workshops import domain
from workshops.models import Format, Phase, SharedText

# Held workshops for the demo's report and summaries: (days ago, format, title, groups), each
# group as (case number under the 2024 code, duties tagged, notes).
DEMO_WORKSHOPS = [
    (
        150,
        Format.ONBOARDING,
        "Introforløb for nye medarbejdere",
        [
            (1, [1, 3], "Vi var enige om at sige fra skriftligt og spørge juristen."),
            (5, [2], "Man skal ikke pynte på tallene, heller ikke når det haster."),
            (9, [3, 5], "Faglig uenighed skal frem, før sagen går til udvalget."),
        ],
    ),
    (
        60,
        Format.SPARRING,
        "Chefsparring",
        [
            (13, [4, 7], "Hvor går grænsen for at hjælpe et enkelt parti med tal?"),
            (20, [6, 2], "Fejlen skal meldes åbent, også når den er pinlig."),
        ],
    ),
    (
        20,
        Format.ONBOARDING,
        "Introforløb for nye ledere",
        [
            (2, [1], "Ordren er ulovlig; lederen skal have det at vide med det samme."),
            (24, [7, 3], "Vi skal rådgive alle partier lige godt."),
        ],
    ),
]

DEMO_USERS = [
    ("facilitator", "Demo Facilitator", User.Role.FACILITATOR),
    ("hr", "Demo HR", User.Role.HR),
    ("admin", "Demo Administrator", User.Role.ADMIN),
]
DEMO_PASSWORD = "kodeks-demo"  # noqa: S105 - printed for the local demo on purpose


class Command(BaseCommand):
    help = (
        "Gør en lokal demo klar og starter den: migrerer databasen, indlæser kodeks-indholdet, "
        "opretter en demo-organisation med en facilitator, en HR-bruger og en administrator og "
        "starter serveren. Eksisterende data bevares."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="Adresse og port, fx 0.0.0.0:8000.",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Gør demoen klar uden at starte serveren."
        )

    def handle(self, *args, addrport: str, no_serve: bool, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_kodeks", stdout=self.stdout)
        organisation, _ = Organisation.objects.get_or_create(
            slug="demo", defaults={"name": "Demo Kommune"}
        )
        self.stdout.write("\nDemo-logins (adgangskoden gælder, til du ændrer den):")
        width = max(len(role.label) for _username, _name, role in DEMO_USERS)
        for username, full_name, role in DEMO_USERS:
            first_name, last_name = full_name.split(" ", 1)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "organisation": organisation,
                    "role": role,
                    "first_name": first_name,
                    "last_name": last_name,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            label = user.get_role_display()
            self.stdout.write(
                f"  {label:<{width}}  brugernavn: {username:<12} adgangskode: {DEMO_PASSWORD}"
            )
        facilitator = User.objects.get(username="facilitator")
        if not organisation.workshops.exists():
            self._hold_demo_workshops(facilitator)
            self.stdout.write(f"Oprettet {len(DEMO_WORKSHOPS)} afholdte demo-workshops.")
        self.stdout.write(f"\nÅbn http://{addrport}/ i en browser.\n")
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)

    def _hold_demo_workshops(self, facilitator: User) -> None:
        duties = {point.number: point for point in Point.objects.filter(codex__slug=Codex.DUTIES)}
        cases = {
            case.number: case for case in Case.objects.public().filter(codex__slug=Codex.DUTIES)
        }
        today = timezone.localdate()
        for days_ago, format, title, groups in DEMO_WORKSHOPS:
            workshop = domain.create_workshop(
                facilitator,
                title=title,
                format=format,
                date=today - datetime.timedelta(days=days_ago),
                group_names=domain.default_group_names(len(groups)),
                pool=[cases[number] for number, _tags, _notes in groups],
                own_dilemmas=False,
            )
            for group, (number, tags, notes) in zip(workshop.groups.all(), groups, strict=True):
                for _member in range(3):
                    domain.join_workshop(workshop, display_name="", group=group)
                domain.choose_case(group, case=cases[number])
                domain.save_text(group, SharedText.NOTES, text=notes, version=0)
                for tag in tags:
                    domain.set_tag(group, point=duties[tag], on=True)
            domain.set_phase(workshop, phase=Phase.CLOSED)
