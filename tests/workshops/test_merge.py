"""The three-way merge of shared notes: both sides' changes survive, and collisions show both."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.merge import merge

PROPERTIES = settings(max_examples=200, deadline=None)
VOCABULARY = [
    "møde",
    "kaffe",
    "åbenhed",
    "ærlighed",
    "loyalitet",
    "øvelse",
    "dilemma",
    "kollega",
    "borger",
    "leder",
    "sag",
    "regel",
    "gave",
    "habil",
    "tavshedspligt",
]
BASE_NOTES = (
    "Vi talte om loyalitet.\n"
    "Mette mente, at en gave fra en borger skal afvises.\n"
    "Jonas var uenig: en kop kaffe er i orden.\n"
    "Vi blev enige om at spørge lederen."
)


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(word in remaining for word in needle)


def test_unchanged_incoming_keeps_current():
    assert merge(BASE_NOTES, BASE_NOTES + " Nyt.", BASE_NOTES) == BASE_NOTES + " Nyt."


def test_unchanged_current_takes_incoming():
    assert merge(BASE_NOTES, BASE_NOTES, "Helt nye noter.") == "Helt nye noter."


def test_the_same_change_on_both_sides_appears_once():
    changed = BASE_NOTES.replace("loyalitet", "loyalitet og åbenhed")
    assert merge(BASE_NOTES, changed, changed) == changed


def test_edits_in_different_words_merge_as_a_person_expects():
    merged = merge(
        "Vi talte om loyalitet.",
        "Vi talte længe om loyalitet.",
        "Vi talte om loyalitet og åbenhed.",
    )
    assert merged == "Vi talte længe om loyalitet og åbenhed."


def test_edits_in_different_sentences_merge_as_a_person_expects():
    current = BASE_NOTES.replace("skal afvises", "altid skal afvises")
    incoming = BASE_NOTES.replace("spørge lederen", "spørge lederen i morgen")
    assert merge(BASE_NOTES, current, incoming) == (
        "Vi talte om loyalitet.\n"
        "Mette mente, at en gave fra en borger altid skal afvises.\n"
        "Jonas var uenig: en kop kaffe er i orden.\n"
        "Vi blev enige om at spørge lederen i morgen."
    )


def test_identical_edits_within_a_larger_change_are_not_doubled():
    current = BASE_NOTES.replace("Jonas", "Jonas B.").replace("kaffe", "te")
    incoming = BASE_NOTES.replace("kaffe", "te")
    assert merge(BASE_NOTES, current, incoming) == current


def test_both_replacing_the_same_word_keep_both_replacements():
    merged = merge("Vi talte om loyalitet.", "Vi talte om ærlighed.", "Vi talte om tillid.")
    assert merged == "Vi talte om ærlighed tillid."


def test_both_appending_keep_both_additions_current_first():
    merged = merge("Referat:", "Referat:\nMette kommer.", "Referat:\nJonas kommer ikke.")
    assert merged == "Referat:\nMette kommer.\nJonas kommer ikke."


def test_deleting_a_sentence_the_other_side_left_alone_deletes_it():
    current = BASE_NOTES.replace("Jonas var uenig: en kop kaffe er i orden.\n", "")
    incoming = BASE_NOTES.replace("talte om", "drøftede")
    assert merge(BASE_NOTES, current, incoming) == (
        "Vi drøftede loyalitet.\n"
        "Mette mente, at en gave fra en borger skal afvises.\n"
        "Vi blev enige om at spørge lederen."
    )


def test_a_deletion_and_an_edit_elsewhere_both_apply_from_the_incoming_side():
    current = BASE_NOTES.replace("Vi talte", "Gruppen talte")
    incoming = BASE_NOTES.replace("Mette mente, at en gave fra en borger skal afvises.\n", "")
    merged = merge(BASE_NOTES, current, incoming)
    assert merged.startswith("Gruppen talte om loyalitet.\nJonas var uenig")
    assert "Mette" not in merged


def test_newlines_and_danish_letters_survive():
    base = "Æbler\n\nØl og åbenhed\r\n\tPunkt: æøå ÆØÅ"
    current = base.replace("Æbler", "Æbler og pærer")
    incoming = base.replace("åbenhed", "åbenhed, ærlighed")
    assert merge(base, current, incoming) == (
        "Æbler og pærer\n\nØl og åbenhed, ærlighed\r\n\tPunkt: æøå ÆØÅ"
    )


def test_text_of_nothing_but_punctuation_and_space_merges():
    assert merge("...", ".!.", "... ?") == ".!. ?"
    assert merge("", "a", "b") == "a b"


def sample_notes(seed: int, length: int) -> str:
    """Made-up meeting notes of `length` characters, the same for the same seed."""
    sentences = []
    number = seed
    while sum(map(len, sentences)) < length:
        number += 1
        words = [
            VOCABULARY[(number * 31 + index * (seed + 3)) % len(VOCABULARY)]
            for index in range(4 + number * 7 % 11)
        ]
        sentences.append(" ".join(words).capitalize() + [". ", ".\n", "? "][number % 3])
    return "".join(sentences)[:length]


def replace_every_nth_word(text: str, step: int, offset: int, marker: str) -> str:
    pieces = text.split(" ")
    for index in range(offset, len(pieces), step):
        pieces[index] = f"{marker}{index}"
    return " ".join(pieces)


@pytest.mark.slow
def test_twenty_thousand_characters_merge_well_under_a_second():
    base = sample_notes(1, 20_000)
    current = replace_every_nth_word(base, 50, 3, "nuværende")
    incoming = replace_every_nth_word(base, 50, 28, "indkommende")
    unrelated = sample_notes(2, 20_000), sample_notes(3, 20_000)
    both = replace_every_nth_word(current, 50, 28, "indkommende")
    for sides in [(current, incoming), unrelated]:
        started = time.perf_counter()
        merged = merge(base, *sides)
        assert time.perf_counter() - started < 0.9
        if sides == (current, incoming):
            assert merged == both
        for side in sides:
            for word in set(words_of(side)) - set(words_of(base)):
                assert word in merged


base_words = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=30)


def join_with_insertions(words: list[str], insertions: dict[int, list[str]]) -> str:
    """`words` joined by spaces, with the words in `insertions[i]` before word i."""
    pieces = []
    for index in range(len(words) + 1):
        pieces.extend(insertions.get(index, []))
        if index < len(words):
            pieces.append(words[index])
    return " ".join(pieces)


@st.composite
def insertions(draw, word_count: int, marker: str) -> dict[int, list[str]]:
    positions = draw(st.lists(st.integers(0, word_count), max_size=6))
    inserted: dict[int, list[str]] = {}
    for number, position in enumerate(positions):
        inserted.setdefault(position, []).append(f"{marker}{number}")
    return inserted


@pytest.mark.slow
@PROPERTIES
@given(data=st.data(), words=base_words)
def test_insertions_on_both_sides_all_survive_with_the_base_in_order(data, words):
    current_insertions = data.draw(insertions(len(words), "nuværende"))
    incoming_insertions = data.draw(insertions(len(words), "indkommende"))
    base = " ".join(words)
    merged = merge(
        base,
        join_with_insertions(words, current_insertions),
        join_with_insertions(words, incoming_insertions),
    )
    merged_words = words_of(merged)
    for inserted in [*current_insertions.values(), *incoming_insertions.values()]:
        for marker in inserted:
            assert marker in merged_words
        assert " ".join(inserted) in merged
    assert is_subsequence(words, merged_words)


EDIT_KINDS = ["replace", "delete", "insert"]


@st.composite
def disjoint_edits(draw) -> tuple[str, str, str, str]:
    """Base, current, incoming and the expected merge: each edited word has an untouched
    word on either side, and belongs to one side only."""
    count = draw(st.integers(0, 12))
    plans = [
        draw(st.tuples(st.sampled_from(["current", "incoming"]), st.sampled_from(EDIT_KINDS)))
        for _ in range(count)
    ]
    texts: dict[str, list[str]] = {"base": [], "current": [], "incoming": [], "merged": []}

    def untouched(word: str) -> None:
        for words in texts.values():
            words.append(word)

    untouched(draw(st.sampled_from(VOCABULARY)) + "0")
    for number, (side, kind) in enumerate(plans, start=1):
        word = f"{draw(st.sampled_from(VOCABULARY))}{number}"
        marker = f"{side}{number}"
        other = "incoming" if side == "current" else "current"
        texts["base"].append(word)
        texts[other].append(word)
        edited = {"replace": [marker], "delete": [], "insert": [marker, word]}[kind]
        texts[side].extend(edited)
        texts["merged"].extend(edited)
        untouched(f"{draw(st.sampled_from(VOCABULARY))}{number}x")
    joined = {name: " ".join(words) for name, words in texts.items()}
    return joined["base"], joined["current"], joined["incoming"], joined["merged"]


@pytest.mark.slow
@PROPERTIES
@given(edits=disjoint_edits())
def test_edits_of_different_words_all_apply(edits):
    base, current, incoming, expected = edits
    assert merge(base, current, incoming) == expected


texts = st.text(alphabet=st.sampled_from("abæøå .,\n\t!"), max_size=60) | st.text(max_size=40)


@pytest.mark.slow
@PROPERTIES
@given(base=texts, side=texts)
def test_a_side_left_unchanged_gives_the_other_side(base, side):
    assert merge(base, side, base) == side
    assert merge(base, base, side) == side
    assert merge(base, side, side) == side


@pytest.mark.slow
@PROPERTIES
@given(base=texts, current=texts, incoming=texts)
def test_any_texts_merge_keeping_every_new_word_of_both_sides(base, current, incoming):
    """Words of a side that were not in the base are inserted by it, and insertions are
    never dropped (though a neighbouring deletion may leave them touching another word)."""
    merged = merge(base, current, incoming)
    for side in (current, incoming):
        for word in set(words_of(side)) - set(words_of(base)):
            assert word in merged
