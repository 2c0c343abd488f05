from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kodeks.models import Organisation, User

DEMO_USERS = [
    ("facilitator", "Demo Facilitator", User.Role.FACILITATOR),
    ("hr", "Demo HR", User.Role.HR),
]
DEMO_PASSWORD = "kodeks-demo"  # noqa: S105 - printed for the local demo on purpose


class Command(BaseCommand):
    help = (
        "Gør en lokal demo klar og starter den: migrerer databasen, indlæser kodeks-indholdet, "
        "opretter en demo-organisation med en facilitator og en HR-bruger og starter serveren. "
        "Eksisterende data bevares."
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
                f"  {label:<12} brugernavn: {username:<12} adgangskode: {DEMO_PASSWORD}"
            )
        self.stdout.write(f"\nÅbn http://{addrport}/ i en browser.\n")
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)
