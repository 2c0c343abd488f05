"""The whole workshop flow with the keyboard alone, with focus visible at every stop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE_TIMEOUT, NOTES_STATE, PHONE
from workshops.models import Phase, Workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}
MAX_TABS = 80

FOCUS_VISIBLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page, target) -> None:
    """Press Tab until the target has focus; every stop on the way must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert page.evaluate(FOCUS_VISIBLE), "focus is not visible"
            return
    raise AssertionError(f"{target} is not reachable with Tab")


def has_focus(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def test_workshop_runs_with_the_keyboard_alone(new_page, live_server, content, alice):
    base = live_server.url
    # The facilitator logs in and creates a workshop.
    facilitator = new_page(LAPTOP)
    facilitator.goto(f"{base}/login/")
    tab_to(facilitator, facilitator.get_by_label("Brugernavn"))
    facilitator.keyboard.type("alice")
    tab_to(facilitator, facilitator.get_by_label("Adgangskode"))
    facilitator.keyboard.type("alice-password")
    facilitator.keyboard.press("Enter")
    tab_to(facilitator, facilitator.get_by_role("link", name="Workshops", exact=True))
    facilitator.keyboard.press("Enter")
    tab_to(facilitator, facilitator.get_by_role("link", name="Onboarding", exact=True))
    facilitator.keyboard.press("Enter")
    title = facilitator.get_by_label("Titel", exact=True)
    tab_to(facilitator, title)
    facilitator.keyboard.press("Control+A")
    facilitator.keyboard.type("Tastaturworkshop")
    tab_to(facilitator, facilitator.get_by_label("Grupper", exact=True))
    facilitator.keyboard.press("Control+A")
    facilitator.keyboard.type("Gruppe 1")
    duties = facilitator.get_by_role("group", name="Cases at vælge imellem")
    tab_to(facilitator, duties.get_by_label("cases – 1. Lovlighed"))
    facilitator.keyboard.press("Space")
    tab_to(facilitator, facilitator.get_by_role("button", name="Opret workshop"))
    facilitator.keyboard.press("Enter")
    facilitator.wait_for_url(re.compile(r"/workshops/\d+/$"))
    workshop = Workshop.objects.get(title="Tastaturworkshop")
    code = facilitator.locator(".join-code").inner_text()

    # A participant joins with the code, picks the group and a case.
    participant = new_page(PHONE)
    participant.goto(f"{base}/deltag/")
    tab_to(participant, participant.get_by_label("Kode"))
    participant.keyboard.type(code)
    participant.keyboard.press("Enter")
    tab_to(participant, participant.get_by_role("radio", name="Gruppe 1", exact=True))
    participant.keyboard.press("Space")
    tab_to(participant, participant.get_by_role("button", name="Gå til gruppen"))
    participant.keyboard.press("Enter")
    expect(participant.get_by_role("heading", level=1)).to_have_text("Gruppe 1")
    first_case = participant.locator("ul.pool button").first
    case_title = first_case.locator(".case-title").inner_text()
    tab_to(participant, first_case)
    participant.keyboard.press("Enter")
    expect(participant.locator("#dilemma-heading")).to_have_text(case_title)

    # Tagging swaps the tags in place; focus stays on the button and the tag is announced.
    lovlighed = participant.get_by_role("button", name="1. Lovlighed", exact=True)
    tab_to(participant, lovlighed)
    participant.keyboard.press("Space")
    expect(lovlighed).to_have_attribute("aria-pressed", "true")
    assert has_focus(participant.get_by_role("button", name="1. Lovlighed", exact=True))
    expect(participant.locator("#tags-announcer")).to_have_text("Gruppens tags: Lovlighed")
    expect(participant.locator("#tags-announcer")).to_have_attribute("aria-live", "polite")

    # Notes save while typing; "Gemt" is announced and focus stays in the field.
    notes = participant.get_by_label("Hvad talte I om?")
    tab_to(participant, notes)
    participant.keyboard.type("Skriftlighed først.")
    expect(participant.locator(NOTES_STATE)).to_contain_text("Gemt")
    assert has_focus(notes)
    announcer = participant.locator("form[data-shared-text=notes] [data-announcer]")
    assert announcer.get_attribute("aria-live") == "polite"
    tab_to(participant, participant.get_by_role("button", name="Vi er færdige"))
    participant.keyboard.press("Enter")
    expect(participant.get_by_text("I har meldt jer færdige.")).to_be_visible()

    # The facilitator moves to plenary and closes, still by keyboard.
    expect(facilitator.locator("#group-1")).to_contain_text(case_title, timeout=LIVE_TIMEOUT)
    plenary = facilitator.get_by_role("group", name="Fase").get_by_role("button", name="Plenum")
    tab_to(facilitator, plenary)
    facilitator.keyboard.press("Enter")
    expect(
        facilitator.get_by_role("group", name="Fase").get_by_role("button", name="Plenum")
    ).to_have_attribute("aria-pressed", "true")
    tab_to(facilitator, facilitator.get_by_role("link", name="Luk workshoppen"))
    facilitator.keyboard.press("Enter")
    tab_to(facilitator, facilitator.get_by_role("button", name="Ja, luk workshoppen"))
    facilitator.keyboard.press("Enter")
    expect(facilitator.get_by_role("link", name="Se opsummeringen")).to_be_visible()

    workshop.refresh_from_db()
    group = workshop.groups.get()
    assert workshop.phase == Phase.CLOSED
    assert (group.case.title, group.notes, group.done) == (
        case_title,
        "Skriftlighed først.",
        True,
    )
    assert [point.number for point in group.tags.all()] == [1]
