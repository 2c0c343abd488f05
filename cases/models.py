from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kodeks.models import Codex, Organisation, Point, split_lines


def search_words(query: str) -> list[str]:
    """The words of a search, folded the way Case.search_text is (æ/Æ, ø/Ø, å/Å alike)."""
    return query.casefold().split()


class CaseQuerySet(models.QuerySet):
    def public(self) -> CaseQuerySet:
        """KL’s cases and dilemmas, readable by anyone."""
        return self.filter(organisation__isnull=True)

    def visible_to(self, organisation: Organisation | None) -> CaseQuerySet:
        """The public cases plus the organisation's own local cases."""
        if organisation is None:
            return self.public()
        return self.filter(Q(organisation__isnull=True) | Q(organisation=organisation))

    def about(self, point: Point) -> CaseQuerySet:
        """Cases listed under the point or linked to it."""
        return self.filter(Q(listed_under=point) | Q(points=point)).distinct()

    def case_ids_by_point(self, codex: Codex) -> defaultdict[int, set[int]]:
        """For each point of the codex, the ids of these cases listed under it or linked to it."""
        ids = defaultdict(set)
        for point_id, case_id in self.filter(listed_under__codex=codex).values_list(
            "listed_under_id", "pk"
        ):
            ids[point_id].add(case_id)
        links = Case.points.through.objects.filter(point__codex=codex, case__in=self)
        for point_id, case_id in links.values_list("point_id", "case_id"):
            ids[point_id].add(case_id)
        return ids

    def search(self, query: str) -> CaseQuerySet:
        for word in search_words(query):
            self = self.filter(search_text__contains=word)
        return self


class CaseManager(models.Manager.from_queryset(CaseQuerySet)):
    def get_by_natural_key(self, codex_slug: str, number: int) -> Case:
        return self.get(organisation__isnull=True, codex__slug=codex_slug, number=number)


class Case(models.Model):
    """A dilemma to discuss: one of KL’s 29 cases, a leadership dilemma, or a local case."""

    class Kind(models.TextChoices):
        CASE = "case", _("Case")
        DILEMMA = "dilemma", _("Ledelsesdilemma")

    codex = models.ForeignKey(
        Codex, verbose_name=_("kodeks"), on_delete=models.PROTECT, related_name="cases"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="cases",
        null=True,
        blank=True,
        help_text=_("Tom for KL’s cases. En lokal case ses kun af sin egen organisation."),
    )
    number = models.PositiveSmallIntegerField(_("nummer"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind, default=Kind.CASE)
    title = models.CharField(_("titel"), max_length=300)
    situation = models.TextField(_("situation"))
    questions = models.TextField(_("spørgsmål"), blank=True, help_text=_("Ét spørgsmål pr. linje."))
    discussion = models.TextField(
        _("til drøftelse"), blank=True, help_text=_("Ét punkt pr. linje.")
    )
    listed_under = models.ForeignKey(
        Point,
        verbose_name=_("hører under"),
        on_delete=models.PROTECT,
        related_name="listed_cases",
        null=True,
        blank=True,
        help_text=_("Den pligt eller det kodekspunkt, casen står under."),
    )
    points = models.ManyToManyField(
        Point,
        verbose_name=_("relaterede kodekspunkter"),
        related_name="related_cases",
        blank=True,
    )
    # A story's dilemma still needs a number as its fixture key (101, 102 …); pages name the
    # story instead, since the source gives it none.
    story = models.CharField(
        _("fra fortællingen om"),
        max_length=200,
        blank=True,
        help_text=_(
            "Et dilemma, som en kommunes fortælling i kilden beretter om: kommunens navn. "
            "Kilden nummererer ikke disse dilemmaer."
        ),
    )
    cited_as = models.TextField(
        _("henvisning som i kilden"),
        blank=True,
        help_text=_(
            "Når kilden nævner et punkt med et andet punkts ordlyd: henvisningen, som den står."
        ),
    )
    search_text = models.TextField(editable=False, default="")

    objects = CaseManager()

    class Meta:
        ordering = ["codex__position", "organisation_id", "number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["codex", "number"],
                condition=Q(organisation__isnull=True),
                name="case_unique_public_number",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number and not self.story else self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:case", args=[self.pk])

    def natural_key(self) -> tuple[str, int | None]:
        return (*self.codex.natural_key(), self.number)

    natural_key.dependencies = ["kodeks.codex", "kodeks.point"]

    def build_search_text(self) -> str:
        fields = [self.title, self.situation, self.questions, self.discussion]
        return " ".join(fields).casefold()

    @property
    def is_local(self) -> bool:
        return self.organisation_id is not None

    @property
    def question_list(self) -> list[str]:
        return split_lines(self.questions)

    @property
    def discussion_list(self) -> list[str]:
        return split_lines(self.discussion)
