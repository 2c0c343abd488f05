from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from kodeks.models import Codex, Organisation, Point

# Crockford's base32: no I, L, O or U, so a code read aloud or typed cannot be misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 bits
CODE_READS_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """The code as stored, from what a participant typed: any case, dashes and spaces."""
    return "".join(typed.split()).replace("-", "").upper().translate(CODE_READS_AS)


def group_live_etag(group_pk: int, changed_at, phase: str, timer_ends_at) -> str:
    """The ETag of a group page's live section: it changes with the group, the phase and the
    timer, not with the other groups' work."""
    timer = timer_ends_at.timestamp() if timer_ends_at else 0
    return f'"g{group_pk}-{changed_at.timestamp()}-{phase}-{timer}"'


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

    def live_etag(self, pk: int, *, organisation_id: int | None) -> str | None:
        """The ETag of the organisation's workshop `pk`, or None if it has no such workshop.

        Every open dashboard asks every 3 seconds, mostly to be told nothing changed, so this
        is one indexed lookup in plain SQL rather than a query the ORM builds each time; the
        dashboard mostly has it read with its session (LIVE_CHANGES).
        """
        with connection.cursor() as cursor:
            cursor.execute(
                # Our own SQL; the organisation stands in for the session query's user row.
                f"SELECT {LIVE_CHANGES}"  # noqa: S608  # nosec B608
                " FROM (SELECT CAST(%s AS bigint) AS organisation_id) u",
                [pk, pk, organisation_id],
            )
            return workshop_live_etag(pk, *cursor.fetchone())


# When the workshop `%s` of the organisation `u.organisation_id` and its groups last changed:
# the workshop's time is NULL if the organisation has no such workshop.
LIVE_CHANGES = (
    "(SELECT w.changed_at FROM workshops_workshop w WHERE w.id = %s"
    " AND w.organisation_id = u.organisation_id),"
    " (SELECT MAX(g.changed_at) FROM workshops_group g WHERE g.workshop_id = %s)"
)


def workshop_live_etag(pk: int, workshop_changed, group_changed) -> str | None:
    """The ETag of workshop `pk`'s dashboard: it changes with the workshop (phase, timer, who
    joined) and with each of its groups. None if there is no such workshop."""
    if workshop_changed is None:
        return None
    return f'"w{pk}-{workshop_changed}-{group_changed}"'


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
    join_code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_join_code)
    phase = models.CharField(_("fase"), max_length=20, choices=Phase, default=Phase.INTRO)
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notes_purged_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change a screen shows; the live views' ETag is built from it.
    changed_at = models.DateTimeField(default=timezone.now)

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
        return f"{self.join_code[:4]}-{self.join_code[4:]}"

    def touch(self) -> None:
        """Mark the workshop itself changed, so live screens fetch it again; a change in a
        group marks only the group."""
        self.changed_at = timezone.now()
        Workshop.objects.filter(pk=self.pk).update(changed_at=self.changed_at)


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A timestamp read with plain SQL as the ORM would give it: SQLite's come without zone."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value


@dataclass(frozen=True)
class GroupState:
    """What decides how a member's group page looks, read without loading the page itself."""

    group_pk: int
    changed_at: datetime.datetime
    revealed: bool
    phase: str
    timer_ends_at: datetime.datetime | None
    private_tagging: bool

    @property
    def etag(self) -> str:
        return group_live_etag(self.group_pk, self.changed_at, self.phase, self.timer_ends_at)


class GroupQuerySet(models.QuerySet):
    def state_for_member(self, pk: int, *, join_code: str, participant_ids) -> GroupState | None:
        """Group `pk` of the workshop with `join_code` as its members see it, if one of
        `participant_ids` is a member; otherwise None.

        Every member's phone asks every 5 seconds, so this is one query in plain SQL rather
        than one the ORM builds each time.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, g.changed_at, g.revealed, w.phase, w.timer_ends_at,"
                " w.private_tagging FROM workshops_group g"
                " JOIN workshops_workshop w ON w.id = g.workshop_id"
                " JOIN workshops_participant p ON p.group_id = g.id"
                " WHERE g.id = %s AND w.join_code = %s",
                [pk, join_code],
            )
            members = cursor.fetchall()
        visitors = set(participant_ids)
        for participant_id, changed_at, revealed, phase, timer_ends_at, private in members:
            if participant_id in visitors:
                return GroupState(
                    pk,
                    _aware(changed_at),
                    bool(revealed),
                    phase,
                    _aware(timer_ends_at),
                    bool(private),
                )
        return None


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
    notes = models.TextField(_("noter"), blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    conclusion = models.TextField(_("hvad ville vi gøre?"), blank=True)
    tags = models.ManyToManyField(Point, verbose_name=_("pligter i spil"), blank=True)
    revealed = models.BooleanField(default=False)
    done = models.BooleanField(_("færdig"), default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "position"], name="group_unique_position"),
        ]
        # The dashboard's ETag asks for the latest change among a workshop's groups.
        indexes = [models.Index(fields=["workshop", "changed_at"], name="group_latest_change")]
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
    def live_etag(self) -> str:
        workshop = self.workshop
        return group_live_etag(self.pk, self.changed_at, workshop.phase, workshop.timer_ends_at)


class Participant(models.Model):
    """Someone in the room, known only by their browser session; the name is optional."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants"
    )
    display_name = models.CharField(_("navn (valgfrit)"), max_length=60, blank=True)
    private_tags = models.ManyToManyField(Point, blank=True, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return self.display_name or _("Deltager %(number)s") % {"number": self.pk}


class JoinAttempt(models.Model):
    """A wrong join code, counted per address in the database so all app servers agree."""

    address = models.GenericIPAddressField()
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "attempted_at"])]

    def __str__(self) -> str:
        return f"{self.address} {self.attempted_at:%Y-%m-%d %H:%M}"
