"""HR's figures across workshops: no notes and no names, only counts."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils.translation import gettext as _

from cases.models import Case
from kodeks.models import Codex, Point
from workshops.models import Group, Participant, Workshop, WorkshopQuerySet

TOP_CASES = 10


def report_workshops(
    organisation_id: int | None,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    format: str = "",
    series_id: int | None = None,
) -> WorkshopQuerySet:
    """The closed workshops of the organisation a report counts: held and finished."""
    workshops = Workshop.objects.for_organisation(organisation_id).closed()
    if start:
        workshops = workshops.filter(date__gte=start)
    if end:
        workshops = workshops.filter(date__lte=end)
    if format:
        workshops = workshops.filter(format=format)
    if series_id:
        workshops = workshops.filter(series_id=series_id)
    return workshops


@dataclass
class Bar:
    point: Point
    count: int
    share: float  # of the groups that tagged against the codex
    length: int = 0  # per cent of the longest bar's


@dataclass
class CodexFigures:
    """How often each point of one codex was tagged, overall and per quarter."""

    codex: Codex
    group_count: int
    bars: list[Bar]
    quarters: list[tuple[str, int, list[int]]]  # label, workshops, count per point

    @property
    def points(self) -> list[Point]:
        return [bar.point for bar in self.bars]

    def __post_init__(self) -> None:
        """The longest bar fills its track; the others are as long as their share of it."""
        most = max((bar.count for bar in self.bars), default=0) or 1
        for bar in self.bars:
            bar.length = round(100 * bar.count / most)


@dataclass
class Report:
    workshop_count: int
    participant_count: int
    group_count: int
    own_dilemma_count: int
    codices: list[CodexFigures]
    top_cases: list[tuple[Case, int]]


class Year(ExtractYear):
    """The year of a date. For SQLite Django calls back into Python on every row, and with
    several reports at once the threads queue for the interpreter; strftime is SQLite's own."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS integer)", params


class Quarter(ExtractQuarter):
    """The quarter of a date (1–4); on SQLite in its own functions, as Year."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"((CAST(strftime('%%m', {sql}) AS integer) + 2) / 3)", params


def quarter_label(year: int, quarter: int) -> str:
    return _("%(quarter)s. kvt. %(year)s") % {"quarter": quarter, "year": year}


def build_report(workshops: WorkshopQuerySet) -> Report:
    """Every figure of the report in a fixed number of aggregate queries."""
    groups = Group.objects.filter(workshop__in=workshops)
    group_counts = groups.aggregate(all=Count("pk"), own=Count("pk", filter=Q(own_dilemma=True)))
    tags = Group.tags.through.objects.filter(group__workshop__in=workshops)
    tag_counts = Counter()
    by_quarter = defaultdict(Counter)
    for row in (
        tags.annotate(year=Year("group__workshop__date"), quarter=Quarter("group__workshop__date"))
        .values("year", "quarter", "point_id")
        .annotate(n=Count("pk"))
    ):
        by_quarter[row["year"], row["quarter"]][row["point_id"]] = row["n"]
        tag_counts[row["point_id"]] += row["n"]
    workshops_by_codex = defaultdict(Counter)
    groups_by_codex = Counter()
    for row in (
        workshops.annotate(year=Year("date"), quarter=Quarter("date"))
        .values("codex_id", "year", "quarter")
        .annotate(n=Count("pk", distinct=True), groups=Count("groups"))
    ):
        workshops_by_codex[row["codex_id"]][row["year"], row["quarter"]] += row["n"]
        groups_by_codex[row["codex_id"]] += row["groups"]

    points_by_codex = defaultdict(list)
    for point in Point.objects.filter(codex_id__in=workshops_by_codex).select_related("codex"):
        points_by_codex[point.codex].append(point)
    codices = []
    for codex, points in sorted(points_by_codex.items(), key=lambda item: item[0].position):
        group_count = groups_by_codex[codex.pk]
        bars = [
            Bar(
                point,
                tag_counts[point.pk],
                tag_counts[point.pk] / group_count if group_count else 0,
            )
            for point in points
        ]
        quarters = [
            (
                quarter_label(*quarter),
                workshop_count,
                [by_quarter[quarter][point.pk] for point in points],
            )
            for quarter, workshop_count in sorted(workshops_by_codex[codex.pk].items())
        ]
        codices.append(CodexFigures(codex, group_count, bars, quarters))

    top = list(
        groups.filter(case__isnull=False)
        .values("case_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "case_id")[:TOP_CASES]
    )
    cases = Case.objects.select_related("listed_under").in_bulk([row["case_id"] for row in top])
    return Report(
        workshop_count=sum(sum(quarters.values()) for quarters in workshops_by_codex.values()),
        participant_count=Participant.objects.filter(workshop__in=workshops).count(),
        group_count=group_counts["all"],
        own_dilemma_count=group_counts["own"],
        codices=codices,
        top_cases=[(cases[row["case_id"]], row["n"]) for row in top],
    )


def report_groups(workshops: WorkshopQuerySet) -> Iterator[Group]:
    """The rows behind a report, one per group, read in chunks so any number fits in memory."""
    groups = (
        Group.objects.filter(workshop__in=workshops)
        .select_related("workshop__series", "workshop__codex", "case")
        .prefetch_related(Prefetch("tags", queryset=Point.objects.only("pk", "number", "title")))
        .annotate(member_count=Count("participants"))
        .order_by("workshop__date", "workshop_id", "position")
    )
    return groups.iterator(chunk_size=1000)
