"""Workflows of a workshop that span several models."""

from __future__ import annotations

import datetime
import ipaddress
import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from kodeks.models import Codex, GuidePage, LoginFailure, LoginThrottleKey, Point, heading_anchor
from workshops.merge import merge
from workshops.models import (
    Format,
    Group,
    JoinAttempt,
    Participant,
    Phase,
    Revision,
    Series,
    SharedText,
    Workshop,
    WorkshopTemplate,
)

# Wrong join codes from one address (an IPv6 /64) in the window, after which every code from
# it answers 429, the right one too. A room on one municipal Wi-Fi shares an address: 60
# people of whom a quarter mistype twice make 30, far below it. An attacker's guesses count
# the same, and with 50-bit codes a day of them finds nothing (README, Security).
JOIN_ATTEMPTS_ALLOWED = 200
JOIN_ATTEMPT_WINDOW = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class GuideRef:
    """A guide page of the workshop's codex, or the section of it under `section`."""

    slug: str
    section: str = ""


@dataclass(frozen=True)
class FormatDefaults:
    codex_slug: str
    group_count: int
    own_dilemmas: bool
    # The pool starts as the cases of all seven duties.
    all_duties: bool = False
    # What the facilitator reads before and shows during such a workshop; none: all of the
    # codex's guide pages.
    guides: tuple[GuideRef, ...] = ()


FORMAT_DEFAULTS = {
    Format.ONBOARDING: FormatDefaults(
        Codex.DUTIES,
        4,
        own_dilemmas=False,
        all_duties=True,
        guides=(
            GuideRef("7-pligter-for-embedsvaerkets-arbejde"),
            GuideRef(
                "det-lokale-arbejde-med-kodeks", "Et ledelsesansvar at sikre kendskab til kodeks"
            ),
        ),
    ),
    Format.SPARRING: FormatDefaults(
        Codex.DUTIES,
        2,
        own_dilemmas=True,
        guides=(
            GuideRef(
                "det-lokale-arbejde-med-kodeks",
                "Thisted Kommune drøfter dilemmaer i chef- og direktørgruppen",
            ),
            GuideRef("cases-om-embedsmandspligter"),
        ),
    ),
    Format.LEDERTEAM: FormatDefaults(
        Codex.LEADERSHIP,
        1,
        own_dilemmas=False,
        guides=(
            GuideRef("den-gode-proces"),
            GuideRef("praktisk-anvendelse", "Sæt ledelse på dagsordenen i lederteamet"),
            GuideRef("praktisk-anvendelse", "Inviter kodeks ind i sproget"),
        ),
    ),
    Format.CUSTOM: FormatDefaults(Codex.DUTIES, 3, own_dilemmas=False, all_duties=True),
}


@dataclass(frozen=True)
class Guidance:
    """A guide page, or one section of it, as a workshop's dashboard and projector link it."""

    page: GuidePage
    section: str = ""

    @property
    def title(self) -> str:
        return self.section or self.page.title

    @property
    def fragment(self) -> str:
        return f"#{heading_anchor(self.section)}" if self.section else ""

    @property
    def url(self) -> str:
        return self.page.get_absolute_url() + self.fragment


def guidance_for(workshop: Workshop) -> list[Guidance]:
    """The guidance that fits the workshop's format, from the workshop's codex. A custom
    workshop, or one whose codex the format's guidance is not from, gets all of its codex's
    guide pages: the facilitator chose the codex and picks from its guide."""
    pages = list(
        GuidePage.objects.filter(codex_id=workshop.codex_id).select_related("codex").defer("body")
    )
    by_slug = {page.slug: page for page in pages}
    fitting = [
        Guidance(by_slug[ref.slug], ref.section)
        for ref in FORMAT_DEFAULTS[Format(workshop.format)].guides
        if ref.slug in by_slug
    ]
    return fitting or [Guidance(page) for page in pages]


def default_group_names(count: int) -> list[str]:
    return [f"Gruppe {number}" for number in range(1, count + 1)]


@dataclass(frozen=True)
class Setup:
    """What a facilitator sets a workshop up with, and can change while it is not closed."""

    title: str
    date: datetime.date
    pool: list[Case]
    own_dilemmas: bool
    private_tagging: bool = False
    group_change_open: bool = False
    focus_point: Point | None = None
    series_name: str = ""


def _series(organisation, name: str) -> Series | None:
    if not name:
        return None
    series, _created = Series.objects.get_or_create(organisation=organisation, name=name)
    return series


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
    group_change_open: bool = False,
    focus_point: Point | None = None,
    series_name: str = "",
    submission: uuid.UUID | None = None,
) -> Workshop:
    defaults = FORMAT_DEFAULTS[Format(format)]
    codex = focus_point.codex if focus_point else Codex.objects.get(slug=defaults.codex_slug)
    workshop = Workshop.objects.create(
        organisation=facilitator.organisation,
        facilitator=facilitator,
        series=_series(facilitator.organisation, series_name),
        title=title,
        format=format,
        date=date,
        codex=codex,
        focus_point=focus_point,
        own_dilemmas=own_dilemmas,
        private_tagging=private_tagging,
        group_change_open=group_change_open,
        submission=submission,
    )
    workshop.pool.set(pool)
    Group.objects.bulk_create(
        Group(workshop=workshop, position=position, name=name)
        for position, name in enumerate(group_names, start=1)
    )
    return workshop


def duplicate_workshop(workshop: Workshop, facilitator) -> Workshop:
    """A new workshop set up as `workshop` is (format, groups, pool, settings, series), for
    today, with nothing of what happened in it."""
    return create_workshop(
        facilitator,
        title=_("Kopi af %(title)s") % {"title": workshop.title},
        format=workshop.format,
        date=timezone.localdate(),
        group_names=list(workshop.groups.values_list("name", flat=True)),
        pool=list(workshop.pool.all()),
        own_dilemmas=workshop.own_dilemmas,
        private_tagging=workshop.private_tagging,
        group_change_open=workshop.group_change_open,
        focus_point=workshop.focus_point,
        series_name=workshop.series.name if workshop.series else "",
    )


def group_is_empty(group: Group) -> bool:
    """Nobody is in the group and it has nothing of its own: it can go without loss."""
    return not (
        group.participants.exists()
        or group.has_dilemma
        or group.notes
        or group.conclusion
        or group.tags.exists()
    )


@transaction.atomic
def edit_workshop(
    workshop: Workshop,
    setup: Setup,
    *,
    renamed: dict[int, str],
    removed: set[int],
    added: list[str],
) -> None:
    """Change the workshop's set-up: its settings and pool, its groups renamed (group id →
    name), removed (only empty ones; one that someone joined meanwhile stays) and added.

    Every open page follows: each group page polls with the workshop's set-up version and
    reloads when it changes; the dashboard follows the workshop's version."""
    groups = {group.pk: group for group in workshop.groups.select_for_update()}
    for pk in removed:
        if pk in groups and group_is_empty(groups[pk]):
            groups.pop(pk).delete()
    for pk, name in renamed.items():
        if pk in groups and groups[pk].name != name:
            _group_changed(groups[pk], name=name)
    position = max((group.position for group in groups.values()), default=0)
    Group.objects.bulk_create(
        Group(workshop=workshop, position=position + offset, name=name)
        for offset, name in enumerate(added, start=1)
    )
    workshop.pool.set(setup.pool)
    _workshop_changed(
        workshop,
        title=setup.title,
        date=setup.date,
        own_dilemmas=setup.own_dilemmas,
        private_tagging=setup.private_tagging,
        group_change_open=setup.group_change_open,
        focus_point=setup.focus_point,
        series=_series(workshop.organisation, setup.series_name),
        setup_version=F("setup_version") + 1,
    )
    workshop.refresh_from_db(fields=["setup_version"])


@transaction.atomic
def save_template(workshop: Workshop, *, name: str) -> WorkshopTemplate:
    """The workshop's set-up (format, groups, pool, settings) as the organisation's template
    `name`; a template of that name is replaced."""
    template, _created = WorkshopTemplate.objects.update_or_create(
        organisation=workshop.organisation,
        name=name,
        defaults={
            "format": workshop.format,
            "group_names": list(workshop.groups.values_list("name", flat=True)),
            "focus_point": workshop.focus_point,
            "own_dilemmas": workshop.own_dilemmas,
            "private_tagging": workshop.private_tagging,
            "group_change_open": workshop.group_change_open,
        },
    )
    template.pool.set(workshop.pool.all())
    return template


def _moved(participant: Participant, group: Group) -> None:
    """Put the participant in `group`. What they tagged on their own belonged to the old
    group's talk and stays behind (forgotten); the old group's texts stay with it."""
    old_group_id = participant.group_id
    Participant.objects.filter(pk=participant.pk).update(group=group)
    participant.private_tags.clear()
    participant.group = group
    # Both groups' member counts change.
    for changed in {old_group_id, group.pk} - {None}:
        _group_changed(Group(pk=changed))


@transaction.atomic
def move_participant(participant: Participant, group: Group) -> None:
    if participant.group_id != group.pk:
        _moved(participant, group)


@transaction.atomic
def remove_participant(participant: Participant) -> None:
    """The participant is out of the workshop: their phone is let in nowhere, their own tags
    go with them, and what they wrote stays with the group (its revisions name no one)."""
    group_id = participant.group_id
    participant.delete()
    if group_id is not None:
        _group_changed(Group(pk=group_id))


@transaction.atomic
def lock_joining(workshop: Workshop, *, locked: bool) -> None:
    _workshop_changed(workshop, joining_locked=locked)


@transaction.atomic
def split_participants(workshop: Workshop, *, at_random: bool) -> None:
    """Deal the workshop's participants out over its groups, so the groups differ by one
    member at most: in the order they joined, or shuffled."""
    groups = list(workshop.groups.order_by("position"))
    participants = list(workshop.participants.order_by("joined_at", "pk"))
    if at_random:
        secrets.SystemRandom().shuffle(participants)
    for index, participant in enumerate(participants):
        group = groups[index % len(groups)]
        if participant.group_id != group.pk:
            _moved(participant, group)


def cases_used_in_series(series: Series | None, *, exclude: Workshop | None = None) -> set[int]:
    """Ids of the cases groups of the series have already discussed."""
    if series is None:
        return set()
    groups = Group.objects.filter(workshop__series=series, case__isnull=False)
    if exclude is not None:
        groups = groups.exclude(workshop=exclude)
    return set(groups.values_list("case_id", flat=True))


def throttled_as(address: str) -> str:
    """The address as the join throttle counts it: an IPv4 address as it is, an IPv6 address
    by its /64 network, which one household or office gets whole and picks addresses from."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


def join_throttled(address: str) -> bool:
    """Too many wrong codes from the address lately: no code is tried for it, the right one
    neither, so guessing cannot go on by trying a known code in between."""
    since = timezone.now() - JOIN_ATTEMPT_WINDOW
    wrong = JoinAttempt.objects.filter(
        address=throttled_as(address), workshop=None, attempted_at__gte=since
    )
    return wrong.count() >= JOIN_ATTEMPTS_ALLOWED


def joins_exhausted(workshop: Workshop, address: str) -> bool:
    """The address has joined the workshop as many participants as one address may: anyone
    with the code could otherwise add participants without end, and the dashboard and HR's
    figures would count them."""
    joined = JoinAttempt.objects.filter(workshop=workshop, address=throttled_as(address))
    return joined.count() >= settings.KODEKS_JOINS_PER_ADDRESS


def record_wrong_code(address: str) -> None:
    JoinAttempt.objects.create(address=throttled_as(address))


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


class SeenMarks:
    """The participants whose group pages said they are open, written for all of them in one
    UPDATE at most every `settings.KODEKS_SEEN_WRITE_SECONDS` per server process.

    Every phone says so every 10 seconds: one UPDATE each was, at 1,500 phones, 150 write
    transactions a second, three times the note saves, and on SQLite each waits for the one
    write lock, whose busy handler sleeps in milliseconds while it waits. Profiled under that
    load, those UPDATEs took 13 % of the app servers' time, most of it waiting for the lock
    (py-spy on both workers during bench/run.py's capacity step). Written together, they are
    one or two a second. A mark not written yet is asked again by the next poll (the page
    still counts as not seen), so a mark lost with its process only delays the count.
    """

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.lock = threading.Lock()
        self.next_write = 0.0

    def add(self, participant_id: int) -> None:
        with self.lock:
            self.pending.add(participant_id)
            now = time.monotonic()
            if now < self.next_write:
                return
            self.next_write = now + settings.KODEKS_SEEN_WRITE_SECONDS
            seen, self.pending = self.pending, set()
        Participant.objects.filter(pk__in=seen).update(seen_at=timezone.now())


SEEN = SeenMarks()


def mark_seen(participant_id: int) -> None:
    """The participant's group page is open now."""
    SEEN.add(participant_id)


@transaction.atomic
def join_workshop(
    workshop: Workshop, *, display_name: str, group: Group, address: str | None = None
) -> Participant:
    """A new participant in the group; joined from `address`, it counts towards that
    address's joins of the workshop (joins_exhausted)."""
    participant = Participant.objects.create(
        workshop=workshop, group=group, display_name=display_name
    )
    if address is not None:
        JoinAttempt.objects.create(workshop=workshop, address=throttled_as(address))
    # The dashboard counts each group's members: a group's version, not the workshop's, so
    # people joining at once never queue for the workshop's row.
    _group_changed(group)
    return participant


class DilemmaChanged(Exception):
    """Someone else in the group chose or changed the dilemma since the member's page showed
    it: the member's choice would replace theirs without their knowing."""


def _check_dilemma(group: Group, shown: str) -> None:
    """Lock the group's row and make sure its dilemma is still the one the member saw."""
    locked = Group.objects.select_for_update().only("case_id", "own_dilemma").get(pk=group.pk)
    if locked.dilemma_key != shown:
        raise DilemmaChanged


@transaction.atomic
def choose_case(group: Group, *, case: Case, shown: str = "") -> None:
    """Make `case` the group's dilemma, in place of `shown` (the one the member's page
    showed; none by default). The notes stay: a group that changes case carries its talk
    over."""
    _check_dilemma(group, shown)
    _group_changed(group, case=case, own_dilemma=False)


@transaction.atomic
def write_own_dilemma(
    group: Group,
    *,
    title: str,
    situation: str,
    shown: str = "",
    participant_id: int | None = None,
) -> None:
    _check_dilemma(group, shown)
    _group_changed(group, case=None, own_dilemma=True, own_title=title)
    # A text written earlier for the group's own dilemma is kept beside the new one.
    save_text(
        group,
        SharedText.OWN_SITUATION,
        text=situation,
        version=0,
        participant_id=participant_id,
    )


@dataclass(frozen=True)
class SavedText:
    """A shared text as it is after a member's save, and whether others' saves were merged in."""

    text: str
    version: int
    merged: bool


def _revision_text(group: Group, field: SharedText, version: int) -> str:
    """The text as revision `version` left it. A revision that never existed reads as empty,
    so a save from it keeps both its text and the group's, side by side."""
    if version == 0:
        return ""
    revision = Revision.objects.filter(group_id=group.pk, text_field=field, version=version)
    return revision.values_list("text", flat=True).first() or ""


def _store(rows, field: SharedText, text: str, version: int, now: datetime.datetime) -> int:
    """Write `text` as revision `version` of `field` to the group `rows` selects."""
    changes = {field.value: text, field.version_field: version}
    return rows.update(**changes, version=F("version") + 1, last_activity_at=now)


def save_text(
    group: Group, field: SharedText, *, text: str, version: int, participant_id: int | None = None
) -> SavedText:
    """Save a member's `text`, written from revision `version` of the group's `field`.

    When others saved since, their changes and the member's are merged three ways (the
    revision the member started from, the group's text now, the member's text), so nothing
    anyone typed is lost; each save that changes the text is kept as a new revision.
    """
    field = SharedText(field)
    with transaction.atomic():
        # Most saves are made from the latest revision: then one UPDATE stores the text.
        now = timezone.now()
        latest = Group.objects.filter(pk=group.pk, **{field.version_field: version})
        if _store(latest.exclude(**{field.value: text}), field, text, version + 1, now):
            new_version, merged = version + 1, False
        else:
            # Someone saved since. The row is locked before it is read (on SQLite the
            # transaction holds the database's write lock from its start), so saves of one
            # text queue and each merges into the one before it.
            rows = Group.objects.select_for_update().filter(pk=group.pk)
            current, current_version = rows.values_list(field.value, field.version_field).get()
            merged = version != current_version
            if merged:
                text = merge(_revision_text(group, field, version), current, text)
            if text == current:
                return SavedText(current, current_version, merged)
            new_version = current_version + 1
            _store(rows, field, text, new_version, now)
        Revision.objects.create(
            group_id=group.pk,
            text_field=field,
            version=new_version,
            text=text,
            participant_id=participant_id,
            merged=merged,
            saved_at=now,
        )
    return SavedText(text, new_version, merged)


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


@dataclass(frozen=True)
class TaggingProgress:
    """How many of the group's members have tagged on their own (at least one point)."""

    tagged: int
    members: int

    @property
    def everyone(self) -> bool:
        return self.tagged >= self.members


def private_tagging_progress(group: Group) -> TaggingProgress:
    counts = Participant.objects.filter(group_id=group.pk).aggregate(
        members=Count("pk", distinct=True),
        tagged=Count("pk", distinct=True, filter=Q(private_tags__isnull=False)),
    )
    return TaggingProgress(tagged=counts["tagged"], members=counts["members"])


def majority_tags(group: Group) -> set[int]:
    """The points that strictly more than half of the members who tagged chose; with two who
    tagged, both."""
    tagged_by = Participant.private_tags.through.objects.filter(participant__group_id=group.pk)
    taggers = tagged_by.values("participant_id").distinct().count()
    return {point for point, members in private_tag_counts(group).items() if 2 * members > taggers}


@transaction.atomic
def reveal_private_tags(group: Group) -> None:
    """Show the members' tags to the group, and start the group's own tags from what most of
    them chose, for the group to settle together. Revealing again changes nothing, so two
    members pressing at once never put back a tag the group has since taken off."""
    locked = Group.objects.select_for_update().only("revealed").get(pk=group.pk)
    if locked.revealed:
        group.revealed = True
        return
    tags = Group.tags.through
    tags.objects.bulk_create(
        [tags(group_id=group.pk, point_id=point_id) for point_id in majority_tags(group)],
        ignore_conflicts=True,
    )
    _group_changed(group, revealed=True)


@transaction.atomic
def agree_on_tags(group: Group) -> None:
    """The group says its tags are the ones it agrees on; only once the members' tags are
    revealed, since before that there is nothing to settle."""
    locked = Group.objects.select_for_update().only("revealed", "tags_agreed").get(pk=group.pk)
    if not locked.revealed or locked.tags_agreed:
        return
    _group_changed(group, tags_agreed=True)


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
    # A timer belongs to the phase it was set in: the next one starts without it.
    # Closed, its notes are kept for the retention period from then; opened again, they are
    # kept as long as it runs.
    changes = {"phase": phase, "timer_ends_at": None, "closed_at": None}
    if phase == Phase.CLOSED:
        changes.update(closed_at=timezone.now())
    _workshop_changed(workshop, **changes)


@transaction.atomic
def set_timer(workshop: Workshop, *, minutes: int | None) -> None:
    """The timer runs out in `minutes`; None stops it."""
    ends_at = None if minutes is None else timezone.now() + datetime.timedelta(minutes=minutes)
    _workshop_changed(workshop, timer_ends_at=ends_at)


@transaction.atomic
def extend_timer(workshop: Workshop, *, minutes: int) -> None:
    """`minutes` more on the running timer, or from now if it has run out or never ran."""
    now = timezone.now()
    ends_at = (
        workshop.timer_ends_at if workshop.timer_ends_at and workshop.timer_ends_at > now else now
    )
    _workshop_changed(workshop, timer_ends_at=ends_at + datetime.timedelta(minutes=minutes))


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


def restore_revision(
    group: Group, field: SharedText, *, version: int, participant_id: int | None = None
) -> SavedText | None:
    """Make an earlier revision's text the group's text again, as a new revision, so the
    text it replaces can be restored in turn. None if there is no such revision."""
    revision = group.revisions.filter(text_field=field, version=version).first()
    if revision is None:
        return None
    with transaction.atomic():
        current = Group.objects.select_for_update().filter(pk=group.pk)
        latest = current.values_list(field.version_field, flat=True).get()
        return save_text(
            group, field, text=revision.text, version=latest, participant_id=participant_id
        )


@dataclass(frozen=True)
class Purged:
    workshops: int
    groups: int
    participants: int
    throttle_records: int
    # Organisation id → how many of its workshops had their texts deleted now.
    by_organisation: dict[int, int] = dataclass_field(default_factory=dict)


# Wrong join codes and failed logins hold addresses; a day is plenty for a throttle.
THROTTLE_RECORDS_KEPT = datetime.timedelta(days=1)


@transaction.atomic
def purge_notes(*, closed_before: datetime.datetime) -> Purged:
    """Delete what people wrote and their names from workshops closed before the time.

    What the reports count stays: groups, their cases and tags, whether a group wrote its own
    dilemma, how many took part.
    """
    # A workshop left open long past its day is over all the same: closed now, and its texts
    # go like those of workshops closed on time.
    forgotten = list(
        Workshop.objects.open().filter(date__lt=closed_before.date()).values_list("pk", flat=True)
    )
    Workshop.objects.filter(pk__in=forgotten).update(
        phase=Phase.CLOSED, closed_at=timezone.now(), timer_ends_at=None, version=F("version") + 1
    )
    workshops = Workshop.objects.closed().filter(
        Q(closed_at__lt=closed_before) | Q(pk__in=forgotten)
    )
    groups = Group.objects.filter(workshop__in=workshops).exclude(
        notes="", conclusion="", own_title="", own_situation=""
    )
    Revision.objects.filter(group__workshop__in=workshops).delete()
    # A new version, so no page kept in the cache shows the texts again.
    group_count = groups.update(
        notes="", conclusion="", own_title="", own_situation="", version=F("version") + 1
    )
    participant_count = (
        Participant.objects.filter(workshop__in=workshops)
        .exclude(display_name="")
        .update(display_name="")
    )
    newly = workshops.filter(notes_purged_at__isnull=True)
    by_organisation = dict(newly.order_by().values_list("organisation").annotate(count=Count("pk")))
    workshop_count = newly.update(notes_purged_at=timezone.now(), version=F("version") + 1)
    old = timezone.now() - THROTTLE_RECORDS_KEPT
    throttle_count = (
        JoinAttempt.objects.filter(attempted_at__lt=old).delete()[0]
        + LoginFailure.objects.filter(failed_at__lt=old).delete()[0]
        # The rows login attempts lock name usernames and addresses; they come back when needed.
        + LoginThrottleKey.objects.all().delete()[0]
    )
    # Kept pages show the texts as they were; the new versions never ask for them again, but
    # their rows would keep the text until the cache culls them.
    cache.clear()
    return Purged(workshop_count, group_count, participant_count, throttle_count, by_organisation)


# The tables whose rows held purged text, and the cache's, which held pages showing it.
PURGED_TABLES = (Group, Revision, Participant, Workshop)


def release_purged_text(connection) -> None:
    """Make the database let go of what purge_notes deleted, outside any transaction.

    Deleted text otherwise stays in the files: on SQLite in the write-ahead log until a
    checkpoint (the database itself overwrites deleted content, PRAGMA secure_delete); on
    PostgreSQL in the old row versions until they are vacuumed.
    """
    if connection.in_atomic_block:
        # Called inside a transaction (as tests do): neither statement may run there, and
        # the next run from the schedule releases it.
        return
    tables = [model._meta.db_table for model in PURGED_TABLES]
    tables.append(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"VACUUM {names}")  # our own table names only
