"""Several phones writing in one group's texts at once, in real browsers: every word typed
reaches every phone and the database, whatever the others type meanwhile, and nothing typed
offline or before a reload is lost."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, phone_in
from tests.factories import make_workshop
from workshops import domain
from workshops.models import Group, Participant, Phase, SharedText

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

# Within one poll (3 s) of the last save, which follows the last keystroke within a second.
AGREED_WITHIN = 6_000
BASE = "Vi startede med casen.\nSå talte vi om loyalitet.\nTil sidst om åbenhed."
TEXTAREAS = {SharedText.NOTES: "#id_notes", SharedText.CONCLUSION: "#id_conclusion"}


@pytest.fixture
def discussing(content, alice):
    """A workshop in discussion whose group 1 has its case and some notes and conclusion."""
    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    domain.choose_case(group, case=workshop.pool.first())
    for field in TEXTAREAS:
        domain.save_text(group, field, text=BASE, version=0)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    return workshop, group


def put_cursor(page, selector: str, where: str) -> None:
    """Click into the text and put the cursor at its start, end, or after its first line."""
    page.locator(selector).click()
    page.locator(selector).evaluate(
        """(textarea, where) => {
            const text = textarea.value;
            const at = {start: 0, end: text.length, middle: text.indexOf("\\n") + 1}[where];
            textarea.setSelectionRange(at, at);
        }""",
        where,
    )


def type_in_turns(phones: list, words: dict, *, halfway=None) -> None:
    """Each phone types its words, a word at a time in turn, as people around a table do;
    `halfway` is called when half the words are typed."""
    longest = max(len(typed) for typed in words.values())
    for index in range(longest):
        if halfway and index == longest // 2:
            halfway()
        for number, page in enumerate(phones):
            if index < len(words[number]):
                page.keyboard.type(words[number][index] + " ", delay=30)


def stored(group: Group, field: SharedText) -> str:
    group.refresh_from_db()
    return getattr(group, field.value)


def expect_all_agree(phones, group: Group, field: SharedText, words: list[str]) -> str:
    """Within 6 s of the last keystroke every phone shows the same text, which is the stored
    one and has every word."""
    typed_at = time.monotonic()
    selector = TEXTAREAS[field]
    for page in phones:
        page.wait_for_function(
            "([selector, words]) => words.every("
            "  word => document.querySelector(selector).value.includes(word))",
            arg=[selector, words],
            timeout=AGREED_WITHIN,
        )
    text = stored(group, field)
    for page in phones:
        page.wait_for_function(
            "([selector, text]) => document.querySelector(selector).value === text",
            arg=[selector, text],
            timeout=AGREED_WITHIN,
        )
    assert time.monotonic() - typed_at < AGREED_WITHIN / 1000
    assert stored(group, field) == text
    return text


@pytest.mark.parametrize("field", list(TEXTAREAS))
def test_three_phones_typing_at_start_middle_and_end_end_with_one_text(
    new_page, live_server, discussing, field, artifacts
):
    workshop, group = discussing
    phones = [phone_in(new_page, live_server.url, workshop, group.name) for _ in range(3)]
    words = {
        0: ["Anna1", "Anna2", "Anna3", "Anna4", "Anna5", "Anna6"],
        1: ["Bo1", "Bo2", "Bo3", "Bo4", "Bo5", "Bo6"],
        2: ["Cem1", "Cem2", "Cem3", "Cem4", "Cem5", "Cem6"],
    }
    for page, where in zip(phones, ["start", "middle", "end"], strict=True):
        put_cursor(page, TEXTAREAS[field], where)

    def screenshots() -> None:
        for number, page in enumerate(phones, start=1):
            page.locator(TEXTAREAS[field]).scroll_into_view_if_needed()
            page.screenshot(path=artifacts / f"writing-together-{field}-phone-{number}.png")

    type_in_turns(phones, words, halfway=screenshots)
    every_word = [word for typed in words.values() for word in typed]
    text = expect_all_agree(phones, group, field, every_word + BASE.split())
    # Each member's words stay together, where they typed them.
    assert text.startswith("Anna1 Anna2 Anna3 Anna4 Anna5 Anna6 Vi startede")
    assert "casen.\nBo1 Bo2 Bo3 Bo4 Bo5 Bo6 Så talte" in text
    assert text.endswith("åbenhed.Cem1 Cem2 Cem3 Cem4 Cem5 Cem6 ")
    for page in phones:
        expect(page.get_by_text("Ikke gemt")).to_have_count(0)


def test_two_phones_typing_into_the_same_sentence_keep_every_word(
    new_page, live_server, discussing
):
    workshop, group = discussing
    phones = [phone_in(new_page, live_server.url, workshop, group.name) for _ in range(2)]
    for page in phones:
        put_cursor(page, "#id_notes", "end")
    words = {0: ["og", "ærlighed", "overfor", "borgerne"], 1: ["samt", "tavshedspligt", "altid"]}
    type_in_turns(phones, words)
    every_word = [word for typed in words.values() for word in typed]
    expect_all_agree(phones, group, SharedText.NOTES, every_word + BASE.split())


def test_a_colleague_who_types_on_after_the_first_save_overwrites_nothing(
    new_page, live_server, discussing
):
    """The first member saves; the second, page still open, types; and types more."""
    workshop, group = discussing
    first, second = (phone_in(new_page, live_server.url, workshop, group.name) for _ in range(2))
    put_cursor(first, "#id_notes", "end")
    first.keyboard.type(" Chefen bad om tallene.")
    expect(first.locator("form[data-shared-text=notes] [data-save-state]")).to_have_text("Gemt")
    put_cursor(second, "#id_notes", "start")
    second.keyboard.type("Juristen siger nej. ")
    second.wait_for_timeout(300)
    second.keyboard.type("Vi spørger igen. ")
    words = ["Chefen", "tallene.", "Juristen", "nej.", "spørger", "igen."]
    expect_all_agree([first, second], group, SharedText.NOTES, words + BASE.split())


def test_text_typed_offline_is_saved_when_the_phone_is_back(new_page, live_server, discussing):
    workshop, group = discussing
    writer, reader = (phone_in(new_page, live_server.url, workshop, group.name) for _ in range(2))
    state = writer.locator("form[data-shared-text=notes] [data-save-state]")
    writer.context.set_offline(True)
    put_cursor(writer, "#id_notes", "end")
    writer.keyboard.type(" Skrevet uden net.")
    expect(state).to_have_text("Ikke gemt – prøver igen")
    assert "uden net" not in stored(group, SharedText.NOTES)
    writer.context.set_offline(False)
    expect(state).to_have_text("Gemt", timeout=AGREED_WITHIN)
    assert stored(group, SharedText.NOTES).endswith("Skrevet uden net.")
    expect(reader.locator("#id_notes")).to_have_value(
        re.compile("Skrevet uden net"), timeout=AGREED_WITHIN
    )


def test_a_reload_with_unsaved_text_warns_and_brings_the_text_back(
    new_page, live_server, discussing
):
    workshop, group = discussing
    page = phone_in(new_page, live_server.url, workshop, group.name)
    # The saves do not get through, so the text is only in the page.
    page.route("**/noter/", lambda route: route.abort())
    put_cursor(page, "#id_notes", "end")
    page.keyboard.type(" Lige skrevet.")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(page.locator("#id_notes")).to_have_value(re.compile("Lige skrevet\\.$"))
    page.unroute("**/noter/")
    state = page.locator("form[data-shared-text=notes] [data-save-state]")
    expect(state).to_have_text("Gemt", timeout=AGREED_WITHIN)
    assert stored(group, SharedText.NOTES) == BASE + " Lige skrevet."


def test_remote_updates_are_announced_once_and_the_page_stays_accessible(
    new_page, live_server, discussing, axe_source
):
    workshop, group = discussing
    writer, reader = (phone_in(new_page, live_server.url, workshop, group.name) for _ in range(2))
    put_cursor(writer, "#id_notes", "end")
    writer.keyboard.type(" Første ændring.")
    announcer = reader.locator("form[data-shared-text=notes] [data-announcer]")
    expect(announcer).to_have_text("Opdateret af en anden i gruppen", timeout=AGREED_WITHIN)
    reader.evaluate(
        "document.querySelector('form[data-shared-text=notes] [data-announcer]').textContent = ''"
    )
    writer.keyboard.type(" Anden ændring.")
    expect(reader.locator("#id_notes")).to_have_value(
        re.compile("Anden ændring"), timeout=AGREED_WITHIN
    )
    # Heard once: the next update within the minute says nothing new.
    expect(announcer).to_have_text("")
    assert axe_violations(reader, axe_source) == []


def test_each_phone_sees_who_else_is_here_and_writing(new_page, live_server, discussing):
    workshop, group = discussing
    second = phone_in(new_page, live_server.url, workshop, group.name)
    group_url = second.url
    second.goto("about:blank")
    Participant.objects.filter(group=group).update(seen_at=None)  # left long ago
    first = phone_in(new_page, live_server.url, workshop, group.name)
    presence = first.locator("#presence")
    expect(presence).to_have_text("Kun dig på siden lige nu")
    first.evaluate("window.liveShown = document.getElementById('live')")
    second.goto(group_url)
    expect(presence).to_have_text("Du og 1 anden i gruppen er på siden", timeout=AGREED_WITHIN)
    # Told by unchanged polls: the live section, where a member may be typing, stayed put.
    assert first.evaluate("window.liveShown === document.getElementById('live')")
    put_cursor(second, "#id_notes", "end")
    second.keyboard.type(" Et ord mere.")
    expect(presence).to_have_text(
        "Du og 1 anden i gruppen er på siden · 1 anden skriver", timeout=AGREED_WITHIN
    )
    expect(second.locator("#presence")).to_have_text("Du og 1 anden i gruppen er på siden")
