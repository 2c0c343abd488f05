from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, models
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from kodeks.converters import LARGEST_ID
from kodeks.models import Codex, Organisation, Point

# Crockford's base32: no I, L, O or U, so a code read aloud or typed cannot be misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 50 bits: with the join throttle, a thousand addresses guessing for a day find a given
# running workshop with a chance below one in a million (README, Security).
CODE_LENGTH = 10
# Workshops created while codes had 8 characters keep them.
CODE_LENGTHS = (CODE_LENGTH, 8)
CODE_READS_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
# A member is on the group page while it polls (every 3 s); it says so at most every 10 s.
PRESENT_FOR = datetime.timedelta(seconds=20)
SEEN_EVERY = datetime.timedelta(seconds=10)
# A member who saved a text this long ago is still writing.
WRITING_FOR = datetime.timedelta(seconds=8)


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """The code as stored, from what a participant typed: any case, dashes and spaces."""
    return "".join(typed.split()).replace("-", "").upper().translate(CODE_READS_AS)


def display_join_code(code: str) -> str:
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


class Format(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    SPARRING = "sparring", _("Chef/direktør-sparring")
    LEDERTEAM = "lederteam", _("Lederteam")
    CUSTOM = "custom", _("Tilpasset")


class Phase(models.TextChoices):
    INTRO = "intro", _("Intro")
    DISCUSSION = "discussion", _("Drøftelse")
    PLENARY = "plenary", _("Plenum")
    CLOSED = "closed", _("Lukket")


class Series(models.Model):
    """Workshops that recur with the same people, e.g. a monthly sparring group."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="series")
    name = models.CharField(_("navn"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="series_unique_name"),
        ]
        verbose_name = _("serie")
        verbose_name_plural = _("serier")

    def __str__(self) -> str:
        return self.name


class WorkshopQuerySet(models.QuerySet):
    def for_organisation(self, organisation_id: int | None) -> WorkshopQuerySet:
        return self.filter(organisation_id=organisation_id)

    def open(self) -> WorkshopQuerySet:
        return self.exclude(phase=Phase.CLOSED)

    def closed(self) -> WorkshopQuerySet:
        return self.filter(phase=Phase.CLOSED)

    def live_version(self, pk: int, *, organisation_id: int | None) -> str | None:
        """What the dashboard of the organisation's workshop `pk` shows, as one version; None
        if the organisation has no such workshop (or it has no groups).

        The workshop's own version and the sum of its groups' versions: every change adds one
        to one of them in the transaction that makes it, so whatever order concurrent changes
        commit in, each commit gives a new sum, and no group's change waits on the workshop.
        """
        versions = Group.objects.filter(
            workshop_id=pk, workshop__organisation_id=organisation_id
        ).aggregate(workshop=Max("workshop__version"), groups=Sum("version"))
        if versions["workshop"] is None:
            return None
        return f"{versions['workshop']}.{versions['groups']}"


class Workshop(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshops"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="workshops",
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("serie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    title = models.CharField(_("titel"), max_length=200)
    format = models.CharField(_("format"), max_length=20, choices=Format)
    date = models.DateField(_("dato"))
    codex = models.ForeignKey(
        Codex,
        verbose_name=_("tags mod"),
        on_delete=models.PROTECT,
        limit_choices_to={"taggable": True},
    )
    focus_point = models.ForeignKey(
        Point,
        verbose_name=_("kodekspunkt i fokus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pool = models.ManyToManyField(Case, verbose_name=_("cases at vælge imellem"), blank=True)
    own_dilemmas = models.BooleanField(_("egne dilemmaer tilladt"), default=False)
    private_tagging = models.BooleanField(_("deltagerne tagger først hver for sig"), default=False)
    group_change_open = models.BooleanField(_("deltagerne må selv skifte gruppe"), default=False)
    # Everyone is in: the code lets no one else join, while those in the room go on.
    joining_locked = models.BooleanField(_("lukket for nye deltagere"), default=False)
    join_code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_join_code)
    phase = models.CharField(_("fase"), max_length=20, choices=Phase, default=Phase.INTRO)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notes_purged_at = models.DateTimeField(null=True, blank=True)
    # The set-up form's submission that created it: the same form sent twice (a double click,
    # a reload) finds this workshop instead of creating another.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # One more with every change to the workshop itself (phase, timer, groups, closing); a
    # change in a group counts in the group's own version. The live views' ETags are built
    # from versions, never from clocks.
    version = models.PositiveIntegerField(default=1)
    # One more with every edit of what a group page shows around its live section (title,
    # groups, pool, settings): an open page polls with it, and reloads when it has changed.
    setup_version = models.PositiveIntegerField(default=1)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:dashboard", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    @property
    def display_code(self) -> str:
        """The code as shown for typing, in groups of four: K7Q2-M9XD-4F."""
        return display_join_code(self.join_code)


class WorkshopTemplate(models.Model):
    """An organisation's own set-up, saved from a workshop: offered beside the formats, and
    a new workshop made from it starts with its groups, pool and settings."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshop_templates"
    )
    name = models.CharField(_("navn"), max_length=200)
    format = models.CharField(_("format"), max_length=20, choices=Format)
    group_names = models.JSONField(_("grupper"), default=list)
    focus_point = models.ForeignKey(
        Point,
        verbose_name=_("kodekspunkt i fokus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pool = models.ManyToManyField(Case, verbose_name=_("cases at vælge imellem"), blank=True)
    own_dilemmas = models.BooleanField(_("egne dilemmaer tilladt"), default=False)
    private_tagging = models.BooleanField(_("deltagerne tagger først hver for sig"), default=False)
    group_change_open = models.BooleanField(_("deltagerne må selv skifte gruppe"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="workshop_template_unique_name"
            ),
        ]
        verbose_name = _("skabelon")
        verbose_name_plural = _("skabeloner")

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("navn"), max_length=100)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True
    )
    # Kept when the texts are purged, so reports still count own dilemmas.
    own_dilemma = models.BooleanField(_("eget dilemma"), default=False)
    own_title = models.CharField(_("titel på jeres dilemma"), max_length=200, blank=True)
    own_situation = models.TextField(_("beskrivelse af dilemmaet"), blank=True)
    own_situation_version = models.PositiveIntegerField(default=0)
    # The group's shared texts, each with the number of its latest revision (0: never saved).
    notes = models.TextField(_("noter"), blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    conclusion = models.TextField(_("hvad ville vi gøre?"), blank=True)
    conclusion_version = models.PositiveIntegerField(default=0)
    tags = models.ManyToManyField(Point, verbose_name=_("pligter i spil"), blank=True)
    revealed = models.BooleanField(default=False)
    # After the reveal the group settles its tags together, and says so.
    tags_agreed = models.BooleanField(_("enige om tags"), default=False)
    done = models.BooleanField(_("færdig"), default=False)
    # One more with every change to the group, in the transaction that makes it.
    version = models.PositiveIntegerField(default=1)
    # Shown on the dashboard as the group's latest activity; freshness is the version's job.
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "position"], name="group_unique_position"),
        ]
        verbose_name = _("gruppe")
        verbose_name_plural = _("grupper")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workshops:group", args=[self.workshop.join_code, self.pk])

    @property
    def has_dilemma(self) -> bool:
        return self.case_id is not None or self.own_dilemma

    @property
    def dilemma_key(self) -> str:
        return dilemma_key(self.case_id, self.own_dilemma)


def dilemma_key(case_id: int | None, own_dilemma: bool) -> str:
    """Names the dilemma a group discusses, so a page can tell whether it is still the one
    it shows: "" for none yet, "own" for the group's own, else the case's id."""
    if own_dilemma:
        return "own"
    return "" if case_id is None else str(case_id)


@dataclass(frozen=True)
class Membership:
    """A participant's place in a group, with what decides how their group page looks."""

    participant_id: int
    workshop_id: int
    join_code: str
    codex_id: int
    group_id: int
    group_version: int
    workshop_version: int
    setup_version: int
    phase: str
    dilemma: str
    private_tagging: bool
    revealed: bool
    # The member's page has not said for a while that it is open.
    seen_long_ago: bool
    # Other members on the page now, and of them those who saved a text a moment ago.
    others_here: int
    others_writing: int

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    @property
    def sees_own_tags(self) -> bool:
        """Members tag privately and have not yet revealed: each sees only their own tags."""
        return self.private_tagging and not self.revealed

    def get_absolute_url(self) -> str:
        return reverse("workshops:group", args=[self.join_code, self.group_id])


class ParticipantQuerySet(models.QuerySet):
    def membership(
        self, *, join_code: str, group_pk: int, participant_ids: Iterable[int]
    ) -> Membership | None:
        """Which of `participant_ids` is a member of group `group_pk` of the workshop with
        `join_code`, with the versions of both and how many others of the group are on its
        page and writing now; None if none is.

        Every phone in a room asks every 3 seconds, mostly to be told that nothing changed,
        and then this query is all the work the request does. So it is plain SQL: built by
        the ORM, the same query cost 1.25 ms of CPU against 0.06 ms (in-process, 2,000 runs
        on the benchmark's data), which held an unchanged poll to about 40 % of a bare view's
        rate under load, against the 60 % it must reach (bench/run.py; README, Performance).
        It runs on the database the router gives this queryset, with the models' tables.
        """
        ids = [pk for pk in participant_ids if 0 < pk <= LARGEST_ID]
        if not ids or not 0 < group_pk <= LARGEST_ID:
            return None
        connection = connections[self.db]
        participant, group, workshop, revision = (
            connection.ops.quote_name(model._meta.db_table)
            for model in (Participant, Group, Workshop, Revision)
        )
        now = timezone.now()
        here, refresh, writing = (
            connection.ops.adapt_datetimefield_value(now - age)
            for age in (PRESENT_FOR, SEEN_EVERY, WRITING_FOR)
        )
        placeholders = ", ".join(["%s"] * len(ids))
        # Only our own table names and placeholders are put into the text.
        query = (
            "SELECT p.id, p.workshop_id, w.join_code, w.codex_id, p.group_id, g.version, w.version,"  # noqa: S608  # nosec B608
            " w.setup_version, w.phase, g.case_id, g.own_dilemma, w.private_tagging, g.revealed,"
            " CASE WHEN p.seen_at IS NULL OR p.seen_at < %s THEN 1 ELSE 0 END,"
            f" (SELECT COUNT(*) FROM {participant} o"
            "   WHERE o.group_id = p.group_id AND o.id <> p.id AND o.seen_at >= %s),"
            f" (SELECT COUNT(DISTINCT r.participant_id) FROM {revision} r"
            "   WHERE r.group_id = p.group_id AND r.participant_id <> p.id AND r.saved_at >= %s)"
            f" FROM {participant} p JOIN {group} g ON g.id = p.group_id"
            f" JOIN {workshop} w ON w.id = p.workshop_id"
            f" WHERE p.id IN ({placeholders}) AND p.group_id = %s AND w.join_code = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [refresh, here, writing, *ids, group_pk, join_code])
            row = cursor.fetchone()
        if row is None:
            return None
        *values, case_id, own_dilemma, private_tagging, revealed, stale, here, writing = row
        # SQLite answers 0 and 1 for booleans.
        dilemma = dilemma_key(case_id, bool(own_dilemma))
        return Membership(
            *values, dilemma, bool(private_tagging), bool(revealed), bool(stale), here, writing
        )


class Participant(models.Model):
    """Someone in the room, known only by a signed cookie in their browser; the name is
    optional."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants"
    )
    display_name = models.CharField(_("navn (valgfrit)"), max_length=60, blank=True)
    private_tags = models.ManyToManyField(Point, blank=True, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)
    # When the member's group page last polled: who is on the page now (counts only).
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return self.display_name or _("Deltager %(number)s") % {"number": self.pk}


class SharedText(models.TextChoices):
    """The group's texts that every member writes in; each keeps its revisions."""

    NOTES = "notes", _("Noter")
    CONCLUSION = "conclusion", _("Hvad ville vi gøre?")
    OWN_SITUATION = "own_situation", _("Jeres dilemma")

    @property
    def version_field(self) -> str:
        return f"{self.value}_version"


class Revision(models.Model):
    """One saved state of a shared text: what the group's text became with a member's save.

    Which member saved is kept as the participant, never a name, and goes with the texts when
    they are purged."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="revisions")
    text_field = models.CharField(max_length=20, choices=SharedText.choices)
    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The save was made from an older version and merged with what others saved meanwhile.
    merged = models.BooleanField(default=False)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "text_field", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "text_field", "version"], name="revision_unique_version"
            ),
        ]
        # Who in the group saved lately: "2 andre skriver".
        indexes = [models.Index(fields=["group", "saved_at"])]

    def __str__(self) -> str:
        return f"{self.group} {self.text_field} {self.version}"


class JoinAttempt(models.Model):
    """A wrong join code (no workshop), or a participant who joined the workshop, counted per
    address in the database so all app servers agree.

    The address is an IPv4 address or an IPv6 /64 network (workshops.domain.throttled_as)."""

    address = models.GenericIPAddressField()
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "attempted_at"]),
            models.Index(fields=["workshop", "address"]),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.attempted_at:%Y-%m-%d %H:%M}"
