"""Workflows of a workshop that span several models."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from cases.models import Case
from kodeks.models import Codex, LoginFailure, Point
from workshops.models import Format, Group, JoinAttempt, Participant, Phase, Series, Workshop

JOIN_ATTEMPTS_ALLOWED = 10
JOIN_ATTEMPT_WINDOW = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class FormatDefaults:
    codex_slug: str
    group_count: int
    own_dilemmas: bool


FORMAT_DEFAULTS = {
    Format.ONBOARDING: FormatDefaults(Codex.DUTIES, 4, own_dilemmas=False),
    Format.SPARRING: FormatDefaults(Codex.DUTIES, 2, own_dilemmas=True),
    Format.LEDERTEAM: FormatDefaults(Codex.LEADERSHIP, 1, own_dilemmas=False),
    Format.CUSTOM: FormatDefaults(Codex.DUTIES, 3, own_dilemmas=False),
}


def default_group_names(count: int) -> list[str]:
    return [f"Gruppe {number}" for number in range(1, count + 1)]


@transaction.atomic
def create_workshop(
    facilitator,
    *,
    title: str,
    format: str,
    date: datetime.date,
    group_names: list[str],
    pool: list[Case],
    own_dilemmas: bool,
    private_tagging: bool = False,
    focus_point: Point | None = None,
    series_name: str = "",
) -> Workshop:
    defaults = FORMAT_DEFAULTS[Format(format)]
    codex = focus_point.codex if focus_point else Codex.objects.get(slug=defaults.codex_slug)
    series = None
    if series_name:
        series, _ = Series.objects.get_or_create(
            organisation=facilitator.organisation, name=series_name
        )
    workshop = Workshop.objects.create(
        organisation=facilitator.organisation,
        facilitator=facilitator,
        series=series,
        title=title,
        format=format,
        date=date,
        codex=codex,
        focus_point=focus_point,
        own_dilemmas=own_dilemmas,
        private_tagging=private_tagging,
    )
    workshop.pool.set(pool)
    Group.objects.bulk_create(
        Group(workshop=workshop, position=position, name=name)
        for position, name in enumerate(group_names, start=1)
    )
    return workshop


def cases_used_in_series(series: Series | None, *, exclude: Workshop | None = None) -> set[int]:
    """Ids of the cases groups of the series have already discussed."""
    if series is None:
        return set()
    groups = Group.objects.filter(workshop__series=series, case__isnull=False)
    if exclude is not None:
        groups = groups.exclude(workshop=exclude)
    return set(groups.values_list("case_id", flat=True))


def join_throttled(address: str) -> bool:
    since = timezone.now() - JOIN_ATTEMPT_WINDOW
    wrong = JoinAttempt.objects.filter(address=address, attempted_at__gte=since).count()
    return wrong >= JOIN_ATTEMPTS_ALLOWED


def record_wrong_code(address: str) -> None:
    JoinAttempt.objects.create(address=address)


@transaction.atomic
def join_workshop(workshop: Workshop, *, display_name: str, group: Group | None) -> Participant:
    participant = Participant.objects.create(
        workshop=workshop, group=group, display_name=display_name
    )
    workshop.touch()
    return participant


def _changed(group: Group) -> None:
    """Mark the group changed, for the live views' ETags; the dashboard's follows its groups.

    The workflows that call this run in one transaction, so their rows and the time stamp
    move together and SQLite takes its write lock once.
    """
    group.changed_at = timezone.now()
    Group.objects.filter(pk=group.pk).update(changed_at=group.changed_at)


@transaction.atomic
def choose_case(group: Group, *, case: Case) -> None:
    group.case = case
    group.own_dilemma = False
    group.own_title = group.own_situation = ""
    group.save(update_fields=["case", "own_dilemma", "own_title", "own_situation"])
    _changed(group)


@transaction.atomic
def write_own_dilemma(group: Group, *, title: str, situation: str) -> None:
    group.case = None
    group.own_dilemma = True
    group.own_title, group.own_situation = title, situation
    group.save(update_fields=["case", "own_dilemma", "own_title", "own_situation"])
    _changed(group)


class NotesConflict(Exception):
    """The notes were saved by someone else since this version was read."""

    def __init__(self, current: Group) -> None:
        super().__init__("notes changed")
        self.current = current


def save_notes(group: Group, *, text: str, version: int) -> int:
    """Store the notes if nobody saved since `version`; returns the new version.

    The version check and the write are one UPDATE, so of two saves from the same version
    exactly one wins, whichever app server or database serves them.
    """
    changed_at = timezone.now()
    updated = Group.objects.filter(pk=group.pk, notes_version=version).update(
        notes=text, notes_version=F("notes_version") + 1, changed_at=changed_at
    )
    if not updated:
        raise NotesConflict(Group.objects.get(pk=group.pk))
    group.notes, group.notes_version, group.changed_at = text, version + 1, changed_at
    return group.notes_version


@transaction.atomic
def save_conclusion(group: Group, *, conclusion: str) -> None:
    group.conclusion = conclusion
    group.save(update_fields=["conclusion"])
    _changed(group)


@transaction.atomic
def toggle_tag(group: Group, *, point: Point) -> bool:
    """Tag the point if untagged, untag it if tagged; returns whether it is tagged now."""
    if group.tags.filter(pk=point.pk).exists():
        group.tags.remove(point)
        tagged = False
    else:
        group.tags.add(point)
        tagged = True
    _changed(group)
    return tagged


@transaction.atomic
def toggle_private_tag(participant: Participant, *, point: Point) -> bool:
    if participant.private_tags.filter(pk=point.pk).exists():
        participant.private_tags.remove(point)
        return False
    participant.private_tags.add(point)
    return True


@transaction.atomic
def reveal_private_tags(group: Group) -> None:
    group.revealed = True
    group.save(update_fields=["revealed"])
    _changed(group)


def private_tag_counts(group: Group) -> Counter:
    """How many members of the group tagged each point privately."""
    rows = (
        Participant.private_tags.through.objects.filter(participant__group=group)
        .values("point_id")
        .annotate(members=Count("participant_id"))
    )
    return Counter({row["point_id"]: row["members"] for row in rows})


@transaction.atomic
def mark_done(group: Group, *, done: bool) -> None:
    group.done = done
    group.save(update_fields=["done"])
    _changed(group)


@transaction.atomic
def set_phase(workshop: Workshop, *, phase: str) -> None:
    workshop.phase = phase
    fields = ["phase"]
    if phase == Phase.CLOSED:
        workshop.closed_at = timezone.now()
        workshop.timer_ends_at = None
        fields += ["closed_at", "timer_ends_at"]
    workshop.save(update_fields=fields)
    workshop.touch()


@transaction.atomic
def set_timer(workshop: Workshop, *, minutes: int) -> None:
    workshop.timer_ends_at = (
        timezone.now() + datetime.timedelta(minutes=minutes) if minutes else None
    )
    workshop.save(update_fields=["timer_ends_at"])
    workshop.touch()


def same_case_elsewhere(group: Group) -> Counter:
    """How often other groups of the organisation tagged each point on the same case."""
    if group.case_id is None:
        return Counter()
    rows = (
        Group.tags.through.objects.filter(
            group__case_id=group.case_id,
            group__workshop__organisation_id=group.workshop.organisation_id,
        )
        .exclude(group=group)
        .values("point_id")
        .annotate(groups=Count("group_id"))
    )
    return Counter({row["point_id"]: row["groups"] for row in rows})


@dataclass(frozen=True)
class Purged:
    workshops: int
    groups: int
    participants: int
    throttle_records: int


# Wrong join codes and failed logins hold addresses; a day is plenty for a throttle.
THROTTLE_RECORDS_KEPT = datetime.timedelta(days=1)


@transaction.atomic
def purge_notes(*, closed_before: datetime.datetime) -> Purged:
    """Delete what people wrote and their names from workshops closed before the time.

    What the reports count stays: groups, their cases and tags, whether a group wrote its own
    dilemma, how many took part.
    """
    workshops = Workshop.objects.closed().filter(closed_at__lt=closed_before)
    groups = Group.objects.filter(workshop__in=workshops).exclude(
        notes="", conclusion="", own_title="", own_situation=""
    )
    group_count = groups.update(notes="", conclusion="", own_title="", own_situation="")
    participant_count = (
        Participant.objects.filter(workshop__in=workshops)
        .exclude(display_name="")
        .update(display_name="")
    )
    workshop_count = workshops.filter(notes_purged_at__isnull=True).update(
        notes_purged_at=timezone.now()
    )
    old = timezone.now() - THROTTLE_RECORDS_KEPT
    throttle_count = (
        JoinAttempt.objects.filter(attempted_at__lt=old).delete()[0]
        + LoginFailure.objects.filter(failed_at__lt=old).delete()[0]
    )
    return Purged(workshop_count, group_count, participant_count, throttle_count)
