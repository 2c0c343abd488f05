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


def _group_changed(group: Group, **changes) -> None:
    """Write `changes` to the group and give it a new version, in one UPDATE.

    The version is what every live view of the group and its dashboard follow; it is counted
    up in the database, in the transaction of the change, so concurrent changes never share
    one. The workflows that call this run in one transaction, so SQLite takes its write lock
    once and a poll never sees the change without its version.
    """
    now = timezone.now()
    Group.objects.filter(pk=group.pk).update(
        **changes, version=F("version") + 1, last_activity_at=now
    )
    for field, value in changes.items():
        setattr(group, field, value)
    group.last_activity_at = now


def _workshop_changed(workshop: Workshop, **changes) -> None:
    """As _group_changed, for a change to the workshop itself (phase, timer, its groups)."""
    Workshop.objects.filter(pk=workshop.pk).update(**changes, version=F("version") + 1)
    for field, value in changes.items():
        setattr(workshop, field, value)


@transaction.atomic
def join_workshop(workshop: Workshop, *, display_name: str, group: Group) -> Participant:
    participant = Participant.objects.create(
        workshop=workshop, group=group, display_name=display_name
    )
    # The dashboard counts each group's members: a group's version, not the workshop's, so
    # people joining at once never queue for the workshop's row.
    _group_changed(group)
    return participant


@transaction.atomic
def choose_case(group: Group, *, case: Case) -> None:
    _group_changed(group, case=case, own_dilemma=False, own_title="", own_situation="")


@transaction.atomic
def write_own_dilemma(group: Group, *, title: str, situation: str) -> None:
    _group_changed(group, case=None, own_dilemma=True, own_title=title, own_situation=situation)


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
    now = timezone.now()
    updated = Group.objects.filter(pk=group.pk, notes_version=version).update(
        notes=text,
        notes_version=F("notes_version") + 1,
        version=F("version") + 1,
        last_activity_at=now,
    )
    if not updated:
        current = Group.objects.only("notes", "notes_version", "last_activity_at")
        raise NotesConflict(current.get(pk=group.pk))
    group.notes, group.notes_version, group.last_activity_at = text, version + 1, now
    return group.notes_version


@transaction.atomic
def save_conclusion(group: Group, *, conclusion: str) -> None:
    _group_changed(group, conclusion=conclusion)


@transaction.atomic
def set_tag(group: Group, *, point: Point, on: bool) -> None:
    """Tag the point, or take the tag off: a member says which, so two members tapping the
    same point at once both leave it tagged."""
    tags = Group.tags.through
    if on:
        tags.objects.bulk_create(
            [tags(group_id=group.pk, point_id=point.pk)], ignore_conflicts=True
        )
    else:
        tags.objects.filter(group_id=group.pk, point_id=point.pk).delete()
    _group_changed(group)


@transaction.atomic
def set_private_tag(participant: Participant, *, point: Point, on: bool) -> None:
    tags = Participant.private_tags.through
    if on:
        tags.objects.bulk_create(
            [tags(participant_id=participant.pk, point_id=point.pk)], ignore_conflicts=True
        )
    else:
        tags.objects.filter(participant_id=participant.pk, point_id=point.pk).delete()
    # The member's own page changes, and with it what the group may see of who has tagged.
    _group_changed(Group(pk=participant.group_id))


@transaction.atomic
def reveal_private_tags(group: Group) -> None:
    _group_changed(group, revealed=True)


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
    _group_changed(group, done=done)


@transaction.atomic
def set_phase(workshop: Workshop, *, phase: str) -> None:
    changes = {"phase": phase}
    if phase == Phase.CLOSED:
        changes.update(closed_at=timezone.now(), timer_ends_at=None)
    _workshop_changed(workshop, **changes)


@transaction.atomic
def set_timer(workshop: Workshop, *, minutes: int) -> None:
    ends_at = timezone.now() + datetime.timedelta(minutes=minutes) if minutes else None
    _workshop_changed(workshop, timer_ends_at=ends_at)


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
    # A new version, so no page kept in the cache shows the texts again.
    group_count = groups.update(
        notes="", conclusion="", own_title="", own_situation="", version=F("version") + 1
    )
    participant_count = (
        Participant.objects.filter(workshop__in=workshops)
        .exclude(display_name="")
        .update(display_name="")
    )
    workshop_count = workshops.filter(notes_purged_at__isnull=True).update(
        notes_purged_at=timezone.now(), version=F("version") + 1
    )
    old = timezone.now() - THROTTLE_RECORDS_KEPT
    throttle_count = (
        JoinAttempt.objects.filter(attempted_at__lt=old).delete()[0]
        + LoginFailure.objects.filter(failed_at__lt=old).delete()[0]
    )
    return Purged(workshop_count, group_count, participant_count, throttle_count)
