"""Source → app: the sections of the publications the library carries are carried whole.

test_fixtures proves that nothing in the app is invented; this proves the other way, that no
sentence of a carried section is left out. Each sentence of a section, normalised as
test_fixtures normalises, must be found in the text of the library's pages.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.kodeks.test_fixtures import OCR_REPAIRS, PAGE_FURNITURE, SEEDS, letters_and_digits
from tests.kodeks.test_library import library_pages

# (source file, first line, last line, lines left out and why): line numbers as in the file.
SECTIONS = {
    "000 Forord": ("000_68add1220f23bf64.txt", 1, 130, {}),
    "000 Forvaltningens samspil med politikerne": ("000_68add1220f23bf64.txt", 131, 348, {}),
    "000 7 pligter for embedsværkets arbejde": ("000_68add1220f23bf64.txt", 349, 384, {}),
    "000 Det lokale arbejde med kodeks, ledelsesansvaret, de kommunale eksempler": (
        "000_68add1220f23bf64.txt", 774, 880, {},
    ),
    "000 Cases om embedsmandspligter": ("000_68add1220f23bf64.txt", 1015, 1040, {}),
    "001 Brevet til borgmesteren": (
        "001_38d8c5f4b4814eb0.txt", 5, 49,
        # The letter's file reference, KL's address, page numbers and the descriptions of
        # the signatures are the letterhead's, not the letter's.
        {23, 25, 26, 28, 29, 30, 32, 33, 43, 47},
    ),
    "001 Forord og Det lokale arbejde med kodeks": ("001_38d8c5f4b4814eb0.txt", 119, 159, {}),
    "001 Det lokale arbejde med kodeks: de syv normer og temaerne til diskussion": (
        "001_38d8c5f4b4814eb0.txt", 159, 269, {},
    ),
    # The fifth theme's heading is garbled in the text ("MEDIEHÅNDBLINGEN"); the app takes it
    # from the table of contents, which prints it whole.
    "001 Øvrige temaer": ("001_38d8c5f4b4814eb0.txt", 271, 375, {359}),
    "001 Bilaget: Bo Smith-udvalgets kodeks": ("001_38d8c5f4b4814eb0.txt", 376, 516, {}),
    "002 Den gode proces, genvejene og Vejles proces": ("002_1f7de445768d89c4.txt", 371, 638, {}),
    "002 Praktisk anvendelse: de to procesguides": ("002_1f7de445768d89c4.txt", 640, 780, {}),
    "002 Sådan bruges dilemmaerne": ("002_1f7de445768d89c4.txt", 782, 816, {}),
    "002 Ledelsesgrundlaget i ledelsesværktøjer": ("002_1f7de445768d89c4.txt", 1192, 1426, {}),
    "002 Glostrup": ("002_1f7de445768d89c4.txt", 1428, 1546, {}),
    "002 Morsø": ("002_1f7de445768d89c4.txt", 1548, 1752, {}),
    # The article's title (1768) runs into its lead in the source; the app shows it as the
    # page's title, so the lead is checked on its own.
    "002 Høje-Taastrup": ("002_1f7de445768d89c4.txt", 1754, 1973, {1768}),
    "002 Høje-Taastrup, artiklens titel": ("002_1f7de445768d89c4.txt", 1768, 1768, {}),
    "002 Vejle": ("002_1f7de445768d89c4.txt", 1975, 2096, {}),
    "003 Hvad er et kodeks, Proces": ("003_cf684f51c29e5520.txt", 85, 162, {}),
    "003 Opsummering": ("003_cf684f51c29e5520.txt", 292, 312, {}),
    "004 Indledningen": ("004_9f07ddc6df33c1af.txt", 1, 17, {}),
}  # fmt: skip
NEW_CHUNK = re.compile(r"^\s*(-|•|\d+\.\s|\d+ / )")


def sentences(file: str, first: int, last: int, left_out: set[int]) -> list[str]:
    """The section's sentences; a blank line, a bullet or a heading also ends one."""
    lines = (SEEDS / file).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    chunks: list[list[str]] = [[]]
    for number, line in enumerate(lines, start=first):
        if number in left_out or any(pattern.match(line) for pattern in PAGE_FURNITURE):
            continue
        if not line.strip() or NEW_CHUNK.match(line):
            chunks.append([])
        chunks[-1].append(line)
    text = "\n\n".join(" ".join(chunk) for chunk in chunks if chunk)
    for damaged, repaired in OCR_REPAIRS.items():
        text = re.sub(damaged, repaired, text, flags=re.IGNORECASE)
    parts = re.split(r"(?<=[.!?:])\s+|\n\n", text)
    return [part for part in parts if letters_and_digits(part)]


@pytest.fixture
def app_text(client, content) -> str:
    pages = [client.get(path).content.decode() for path in library_pages(client)]
    text = html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(pages)))
    return letters_and_digits(text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the project")
@pytest.mark.parametrize("section", SECTIONS)
def test_every_sentence_of_a_carried_section_is_in_the_app(app_text, section):
    missing = [
        sentence
        for sentence in sentences(*SECTIONS[section])
        if letters_and_digits(sentence) not in app_text
    ]
    assert missing == []
