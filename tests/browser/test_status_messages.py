"""Status messages are read aloud when what they say is new, and only then."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE_TIMEOUT, NOTES_STATE, phone_in
from tests.factories import duty, make_workshop
from workshops import domain
from workshops.models import SharedText

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

# Every text a status region is given, in order, as a screen reader would be told of it.
WATCH = """selector => {
  const region = document.querySelector(selector);
  window.heard = window.heard || {};
  const heard = window.heard[selector] = [];
  new MutationObserver(() => heard.push(region.textContent.trim()))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def heard(page, selector: str) -> list[str]:
    return page.evaluate("selector => window.heard[selector]", selector)


def test_the_tags_are_announced_when_they_change_not_on_every_poll(
    new_page, live_server, content, alice
):
    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    page = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    expect(page.locator("#tags-announcer")).to_have_text("Gruppens tags: ingen")
    page.evaluate(WATCH, "#tags-announcer")

    # Someone else writes: the poll brings the live section again, the tags as they were.
    domain.save_text(group, SharedText.NOTES, text="Hvem skal vide hvad?", version=0)
    expect(page.get_by_label("Hvad talte I om?")).to_have_value(
        "Hvem skal vide hvad?", timeout=LIVE_TIMEOUT
    )
    assert heard(page, "#tags-announcer") == []

    domain.set_tag(group, point=duty(1), on=True)
    expect(page.locator("#tags-announcer")).to_have_text(
        "Gruppens tags: Lovlighed", timeout=LIVE_TIMEOUT
    )
    assert heard(page, "#tags-announcer") == ["Gruppens tags: Lovlighed"]


def test_saved_is_announced_once_the_member_stops_writing(new_page, live_server, content, alice):
    workshop = make_workshop(alice)
    page = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    announcer = "form[data-shared-text=notes] [data-announcer]"
    page.evaluate(WATCH, announcer)
    notes = page.get_by_label("Hvad talte I om?")
    for words in ("Først", " loyalitet,", " så åbenhed."):
        notes.press_sequentially(words)
        # Each pause in the typing saves.
        expect(page.locator(NOTES_STATE)).to_have_text("Gemt")
    assert heard(page, announcer) == []
    expect(page.locator(announcer)).to_have_text("Gemt", timeout=LIVE_TIMEOUT)
    assert heard(page, announcer) == ["Gemt"]
