"""The benchmark's database: one running workshop of 50 groups and years of closed workshops.

Run by bench/run.py in its own process against a migrated database with the codex content:
`python bench/data.py --closed 10000` prints, as JSON, what the load needs to act as the
workshop's participants and staff.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from cases.models import Case  # noqa: E402
from kodeks.models import Codex, Organisation, Point, User  # noqa: E402
from workshops import domain  # noqa: E402
from workshops.models import (  # noqa: E402
    CODE_ALPHABET,
    CODE_LENGTH,
    Format,
    Group,
    Participant,
    Phase,
    Series,
    SharedText,
    Workshop,
)
from workshops.views.access import PARTICIPANT_COOKIE, remember_participant  # noqa: E402

FIRST_DAY = datetime.date(2023, 1, 2)
# Formats in the proportions a municipality holds them: mostly onboarding.
FORMATS = [Format.ONBOARDING] * 5 + [Format.SPARRING] * 3 + [Format.LEDERTEAM, Format.CUSTOM]
GROUPS_PER_FORMAT = {
    Format.ONBOARDING: 4,
    Format.SPARRING: 2,
    Format.LEDERTEAM: 1,
    Format.CUSTOM: 3,
}
NOTES = (
    "Vi talte om, hvornår man skal sige fra, og hvem man siger det til. "
    "Nogle mente, at lederen skal have besked med det samme; andre ville først tale med "
    "en kollega. Vi blev enige om at skrive det ned og spørge juristen, hvis vi er i tvivl. "
)
CONCLUSION = "Sig fra skriftligt, og bed om en ny vurdering af sagen."


def unique_codes(count: int, taken: set[str]) -> list[str]:
    codes = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def participant_cookie(participant: Participant) -> str:
    """The signed cookie the app gives a browser that joins as `participant`."""
    response = HttpResponse()
    remember_participant(RequestFactory().get("/"), response, participant)
    return response.cookies[PARTICIPANT_COOKIE].value


def build_running_workshop(facilitator: User, groups: int, members: int) -> tuple[Workshop, list]:
    """A workshop under load: in discussion, every group with a case, notes and tags, and
    `members` phones in each."""
    rng = random.Random(5)
    duties = list(Point.objects.filter(codex__slug=Codex.DUTIES))
    pool = list(Case.objects.public().filter(codex__slug=Codex.DUTIES)[:12])
    workshop = domain.create_workshop(
        facilitator,
        title="Introforløb for nye medarbejdere",
        format=Format.ONBOARDING,
        date=timezone.localdate(),
        group_names=domain.default_group_names(groups),
        pool=pool,
        own_dilemmas=True,
    )
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    domain.set_timer(workshop, minutes=45)
    participants = []
    for group in workshop.groups.all():
        domain.choose_case(group, case=pool[group.position % len(pool)])
        domain.save_text(group, SharedText.NOTES, text=NOTES * 3, version=0)
        for point in rng.sample(duties, 3):
            domain.set_tag(group, point=point, on=True)
        actions = {
            name: reverse(f"workshops:{name}", args=[workshop.join_code, group.pk])
            for name in ("group", "save-notes", "tag-point", "choose-case")
        }
        for member in range(members):
            participant = domain.join_workshop(
                workshop, display_name=f"Deltager {member + 1}", group=group
            )
            participants.append(
                {
                    "cookie": participant_cookie(participant),
                    **actions,
                    "version": 1,
                    "case": group.case_id,
                }
            )
    return workshop, participants


def build_running_workshops(facilitator: User, groups: int, members: int, phones: int) -> dict:
    """The workshop the facilitator watches, and as many more alike as it takes for `phones`
    phones in groups of `members`: a box's capacity is measured with rooms of real groups."""
    workshop, participants = build_running_workshop(facilitator, groups, members)
    while len(participants) < phones:
        participants += build_running_workshop(facilitator, groups, members)[1]
    return {
        "dashboard": workshop.get_absolute_url(),
        "phase": Phase.DISCUSSION.value,
        "participants": participants,
        # Every group's notes as they start, revision 1: what each phone first saw.
        "notes": NOTES * 3,
        "points": list(Point.objects.filter(codex__slug=Codex.DUTIES).values_list("pk", flat=True)),
        "pool": list(workshop.pool.values_list("pk", flat=True)),
    }


def build_closed_workshops(facilitator: User, count: int, taken_codes: set[str]) -> None:
    """Years of held workshops for HR's report: groups, cases, members and tags."""
    rng = random.Random(7)
    codices = {codex.slug: codex for codex in Codex.objects.filter(taggable=True)}
    points = {
        slug: list(Point.objects.filter(codex__slug=slug))
        for slug in (Codex.DUTIES, Codex.LEADERSHIP)
    }
    cases = {
        slug: list(Case.objects.public().filter(codex__slug=slug))
        for slug in (Codex.DUTIES, Codex.LEADERSHIP)
    }
    series = [
        Series.objects.create(organisation=facilitator.organisation, name=name)
        for name in ("Chefsparring Nord", "Chefsparring Syd", "Direktionen")
    ]
    days = (timezone.localdate() - FIRST_DAY).days
    codes = iter(unique_codes(count, taken_codes))
    for batch_start in range(0, count, 1000):
        batch = range(batch_start, min(batch_start + 1000, count))
        with transaction.atomic():
            workshops = []
            for _ in batch:
                format = rng.choice(FORMATS)
                slug = Codex.LEADERSHIP if format == Format.LEDERTEAM else Codex.DUTIES
                date = FIRST_DAY + datetime.timedelta(days=rng.randrange(days))
                closed_at = timezone.make_aware(datetime.datetime.combine(date, datetime.time(15)))
                workshops.append(
                    Workshop(
                        organisation=facilitator.organisation,
                        facilitator=facilitator,
                        series=rng.choice(series) if format == Format.SPARRING else None,
                        title=f"{Format(format).label} {date:%d.%m.%Y}",
                        format=format,
                        date=date,
                        codex=codices[slug],
                        join_code=next(codes),
                        phase=Phase.CLOSED,
                        closed_at=closed_at,
                    )
                )
            Workshop.objects.bulk_create(workshops)
            groups = []
            for workshop in workshops:
                slug = workshop.codex.slug
                for position in range(1, GROUPS_PER_FORMAT[workshop.format] + 1):
                    own = workshop.format == Format.SPARRING and rng.random() < 0.3
                    groups.append(
                        Group(
                            workshop=workshop,
                            position=position,
                            name=f"Gruppe {position}",
                            case=None if own else rng.choice(cases[slug]),
                            own_dilemma=own,
                            own_title="Eget dilemma" if own else "",
                            notes=NOTES,
                            notes_version=1,
                            conclusion=CONCLUSION,
                            done=True,
                        )
                    )
            Group.objects.bulk_create(groups)
            Participant.objects.bulk_create(
                Participant(workshop_id=group.workshop_id, group=group)
                for group in groups
                for _ in range(rng.randint(3, 6))
            )
            Group.tags.through.objects.bulk_create(
                Group.tags.through(group_id=group.pk, point_id=point.pk)
                for group in groups
                for point in rng.sample(points[group.workshop.codex.slug], rng.randint(1, 3))
            )
        print(f"  {batch.stop:>6} afholdte workshops", file=sys.stderr)


def build(closed: int, groups: int, members: int, phones: int) -> dict:
    organisation = Organisation.objects.create(name="Benchmark Kommune", slug="benchmark")
    password = secrets.token_urlsafe(16)
    staff = {}
    for role in (User.Role.FACILITATOR, User.Role.HR):
        user = User(username=f"bench-{role}", organisation=organisation, role=role)
        user.set_password(password)
        user.save()
        staff[role] = user
    started = time.monotonic()
    plan = build_running_workshops(staff[User.Role.FACILITATOR], groups, members, phones)
    taken = set(Workshop.objects.values_list("join_code", flat=True))
    build_closed_workshops(staff[User.Role.FACILITATOR], closed, taken)
    if connection.vendor == "postgresql":
        # In production autovacuum keeps the planner's statistics as the tables grow; a
        # database filled in seconds has none until it is analysed, and gets plans for empty
        # tables (a report took twice as long).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  bygget på {time.monotonic() - started:.0f} s", file=sys.stderr)
    return {
        **plan,
        "password": password,
        "facilitator": staff[User.Role.FACILITATOR].username,
        "hr": staff[User.Role.HR].username,
        "groups": groups,
        "members": members,
        "closed_workshops": closed,
        "closed_groups": Group.objects.filter(workshop__phase=Phase.CLOSED).count(),
        "csrf": get_random_string(32),
        # The names the server's settings give its cookies ("__Host-…" in production).
        "cookie_names": {
            "session": settings.SESSION_COOKIE_NAME,
            "csrf": settings.CSRF_COOKIE_NAME,
            "participant": PARTICIPANT_COOKIE,
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--closed", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--phones", type=int, default=250, help="phones to build groups for")
    arguments = parser.parse_args()
    plan = build(arguments.closed, arguments.groups, arguments.members, arguments.phones)
    json.dump(plan, sys.stdout)
