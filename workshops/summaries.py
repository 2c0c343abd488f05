"""The record of one workshop: what each group discussed, wrote and tagged."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from kodeks.models import Point
from workshops.models import Group, Participant, Workshop


@dataclass
class Cell:
    """One point for one group: tagged by the group, and by how many members on their own."""

    point: Point
    tagged: bool
    members: int = 0

    @property
    def left_out(self) -> bool:
        """Members tagged it on their own, and the group did not."""
        return self.members > 0 and not self.tagged


@dataclass
class GroupSummary:
    group: Group
    cells: list[Cell]
    member_count: int
    private_tags_used: bool = False

    @property
    def tags(self) -> list[Point]:
        return [cell.point for cell in self.cells if cell.tagged]

    @property
    def tag_count(self) -> int:
        return len(self.tags)

    @property
    def dilemma_title(self) -> str:
        return self.group.case.title if self.group.case else self.group.own_title

    @property
    def dilemma_text(self) -> str:
        return self.group.case.situation if self.group.case else self.group.own_situation

    @property
    def tags_settled(self) -> bool:
        """The group has agreed on its tags after seeing its members'; until then its tags are
        a draft, and no point is a disagreement yet."""
        return self.group.tags_agreed

    @property
    def comparison(self) -> list[tuple[Cell, bool]]:
        """The points the group or any member tagged, each with whether the group, having
        agreed, left out a point some members tagged."""
        return [
            (cell, self.tags_settled and cell.left_out)
            for cell in self.cells
            if cell.tagged or cell.members
        ]


@dataclass
class WorkshopSummary:
    workshop: Workshop
    points: list[Point]
    groups: list[GroupSummary]
    totals: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.totals = [
            sum(group.cells[index].tagged for group in self.groups)
            for index in range(len(self.points))
        ]

    @property
    def participant_count(self) -> int:
        return sum(group.member_count for group in self.groups)

    @property
    def tag_count(self) -> int:
        return sum(self.totals)

    @property
    def private_tags_used(self) -> bool:
        return any(group.private_tags_used for group in self.groups)


def summarise(workshop: Workshop) -> WorkshopSummary:
    """The summary in a fixed number of queries, however many groups the workshop has."""
    points = list(workshop.codex.points.all())
    groups = (
        workshop.groups.select_related("case__listed_under")
        .prefetch_related(Prefetch("tags", queryset=Point.objects.only("pk")))
        .annotate(member_count=Count("participants"))
    )
    private_rows = (
        Participant.private_tags.through.objects.filter(
            participant__workshop=workshop, participant__group__isnull=False
        )
        .values("participant__group_id", "point_id")
        .annotate(members=Count("participant_id"))
    )
    private = Counter(
        {(row["participant__group_id"], row["point_id"]): row["members"] for row in private_rows}
    )
    summaries = []
    for group in groups:
        tagged = {point.pk for point in group.tags.all()}
        cells = [Cell(point, point.pk in tagged, private[group.pk, point.pk]) for point in points]
        summaries.append(
            GroupSummary(
                group,
                cells,
                group.member_count,
                private_tags_used=any(cell.members for cell in cells),
            )
        )
    return WorkshopSummary(workshop, points, summaries)
