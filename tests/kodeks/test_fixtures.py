"""The codex content in fixtures/ is the sources' text, repaired but not rewritten."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cases.models import Case
from kodeks.management.commands.load_kodeks import FIXTURES
from kodeks.models import Codex, Point, Theme
from tests.factories import DUTY_TITLES

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
PAGE_FURNITURE = [
    re.compile(r"^\s*\d*\s*Kodeks for forvaltningens betjening af politikerne\s*\d*\s*$"),
    re.compile(r"^\s*\d+\s*$"),
]
# Words the text recognition of 001 got wrong; the fixtures carry them repaired. Misprints of
# the publications themselves (case 11's "dine kollega") stay as printed.
OCR_REPAIRS = {
    "sandhedspigten": "sandhedspligten",
    "politikerverollen": "politikerrollen",
    "samspelet": "samspillet",
    "enkeltstager": "enkeltsager",
    "beslattes": "besluttes",
}
TEXT_FIELDS = {
    "title", "text", "example", "intro_2016", "text_2016", "meaning", "questions", "situation",
    "discussion", "summary", "cited_as", "body", "questions_heading_2016", "story",
    "questions_heading",
}  # fmt: skip


def letters_and_digits(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


# Lines the extraction set in the middle of a sentence (file, first, last): Vejle's article's
# lead and byline in 002. They are read after their file, so the sentence reads whole.
MISPLACED = [("002_1f7de445768d89c4.txt", 2041, 2045)]


def source_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    for name, first, last in MISPLACED:
        if path.name == name:
            lines = lines[: first - 1] + lines[last:] + lines[first - 1 : last]
    return lines


def source_text() -> str:
    """The sources without page furniture and with the recognition errors repaired."""
    lines = [
        line
        for path in sorted(SEEDS.glob("*.txt"))
        for line in source_lines(path)
        if not any(pattern.match(line) for pattern in PAGE_FURNITURE)
    ]
    text = "\n".join(lines)
    for damaged, repaired in OCR_REPAIRS.items():
        text = re.sub(damaged, repaired, text, flags=re.IGNORECASE)
    return text


def fixture_objects() -> list[dict]:
    return [
        obj
        for name in FIXTURES
        for obj in json.loads((ROOT / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))
    ]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the project")
def test_every_line_of_content_is_in_the_sources():
    # Hyphens, spaces and line breaks are repaired in the fixtures, so the comparison is on
    # letters and digits: it still catches every changed, added or invented word.
    sources = letters_and_digits(source_text())
    missing = [
        (obj["model"], name, line)
        for obj in fixture_objects()
        for name, value in obj["fields"].items()
        if name in TEXT_FIELDS
        for line in value.splitlines()
        if line.strip() and letters_and_digits(line) not in sources
    ]
    assert missing == []


def test_fixture_texts_carry_no_extraction_damage():
    texts = "\n".join(
        value
        for obj in fixture_objects()
        for name, value in obj["fields"].items()
        if name in TEXT_FIELDS
    )
    for damage in ["Smithudvalget", "Dybvadudvalget", "ITchef", "20222023", "elæring",
                   "teknik og miljø", "Eksempel:", "•", "\u00ad", "  "]:  # fmt: skip
        assert damage not in texts
    assert "kommu nalbestyrelsen" not in texts
    assert not re.search(r"\b35 personer", texts)
    assert "3–5 personer" in texts
    assert "Bo Smith-udvalget" in texts


def test_fixture_texts_carry_the_recognition_errors_repaired():
    texts = "\n".join(
        value
        for obj in fixture_objects()
        for name, value in obj["fields"].items()
        if name in TEXT_FIELDS
    )
    for damaged, repaired in OCR_REPAIRS.items():
        assert damaged not in texts.casefold()
        assert repaired in texts.casefold()
    assert texts.count("sandhedspligten") >= 3


@pytest.fixture
def duties(content):
    return list(Point.objects.filter(codex__slug=Codex.DUTIES))


def test_the_seven_duties_are_in_the_2024_order(duties):
    assert [duty.title for duty in duties] == DUTY_TITLES


def test_each_duty_knows_its_2016_number(duties):
    assert [duty.number_2016 for duty in duties] == [1, 2, 3, 6, 5, 7, 4]


def test_each_duty_has_text_example_and_discussion_questions(duties):
    for duty in duties:
        assert len(duty.text) > 200, duty
        assert len(duty.example) > 100, duty
        assert len(duty.question_list) >= 4, duty
    lovlighed = duties[0]
    assert "Pligten betyder fx" not in lovlighed.meaning
    assert len(lovlighed.meaning_list) == 5


def test_the_29_cases_are_listed_under_their_duties(content):
    cases = Case.objects.public().filter(codex__slug=Codex.DUTIES)
    assert [case.number for case in cases] == list(range(1, 30))
    ranges = {
        1: (1, 4),
        2: (5, 10),
        3: (11, 15),
        4: (16, 18),
        5: (19, 22),
        6: (23, 26),
        7: (27, 29),
    }
    for case in cases.select_related("listed_under"):
        low, high = ranges[case.listed_under.number]
        assert low <= case.number <= high, case
        assert case.title and case.situation and case.question_list, case


def test_case_4_has_its_discussion_bullets_and_its_question(content):
    case = Case.objects.get_by_natural_key(Codex.DUTIES, 4)
    assert case.title == "Udvalgssagen om udvikling af udkantsområder i kommunen"
    assert case.question_list == ["Hvad gør du i forhold til den konkrete sag?"]
    assert len(case.discussion_list) == 2
    assert all(item.startswith("Drøft") for item in case.discussion_list)
    assert Case.objects.exclude(pk=case.pk).exclude(discussion="").count() == 0


def test_leadership_codex_has_eleven_points(content):
    points = Point.objects.filter(codex__slug=Codex.LEADERSHIP)
    assert [point.number for point in points] == list(range(1, 12))
    assert points[0].title == "Jeg påtager mig mit lederskab"


def test_leadership_dilemmas_keep_the_source_numbering_and_links(content):
    dilemmas = Case.objects.public().filter(codex__slug=Codex.LEADERSHIP, story="")
    assert [dilemma.number for dilemma in dilemmas] == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]
    assert all(dilemma.kind == Case.Kind.DILEMMA for dilemma in dilemmas)
    links = {d.number: sorted(p.number for p in d.points.all()) for d in dilemmas}
    assert links[1] == [7, 9]
    assert links[10] == [1, 9]  # the source cites point 1 with point 3's wording
    assert links[12] == [1]
    by_number = {dilemma.number: dilemma for dilemma in dilemmas}
    assert by_number[9].situation == by_number[11].situation
    assert by_number[9].title != by_number[11].title


def test_meeting_questions_and_other_codices_are_loaded(content):
    meeting = Theme.objects.filter(
        codex__slug=Codex.LEADERSHIP, title__in=["Før mødet", "Under mødet"]
    )
    assert all(len(theme.question_list) >= 3 for theme in meeting)
    assert meeting.count() == 2
    assert Theme.objects.filter(codex__slug="kl-2016", group="Øvrige temaer").count() == 5
    examples = " ".join(
        Theme.objects.filter(codex__slug=Codex.DUTIES).values_list("text", flat=True)
    )
    assert "e-læring" in examples
    assert "3–5 personer" in examples
    assert "Odense" in examples
    trust = Theme.objects.filter(codex__slug="tillid")
    assert set(trust.values_list("group", flat=True)) == {
        "Politikerne sætter rammerne",
        "Forvaltningerne gennemfører",
    }
    council = Theme.objects.filter(codex__slug="samarbejde-i-kommunalbestyrelsen")
    assert council.filter(title__startswith="Testamente").exists()
    assert council.filter(title__contains="dogmer").exists()
    assert set(Codex.objects.taggable().values_list("slug", flat=True)) == {
        Codex.DUTIES,
        Codex.LEADERSHIP,
    }


def test_the_two_story_dilemmas_are_leadership_cases_without_invented_links(content):
    stories = Case.objects.public().filter(codex__slug=Codex.LEADERSHIP).exclude(story="")
    assert {case.story: case.title for case in stories} == {
        "Vejle Kommune": "Er det her god ledelse?",
        "Morsø Kommune": "Et eksempel",
    }
    assert all(case.kind == Case.Kind.DILEMMA for case in stories)
    # Neither story names a codex point.
    assert not any(case.points.exists() for case in stories)
