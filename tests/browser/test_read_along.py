"""The facilitator reads along with a group, in real browsers: what a phone in the group types
reaches the facilitator's page within a poll, and a screen reader hears only what matters."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LAPTOP, LIVE_TIMEOUT, axe_violations, log_in, phone_in
from tests.factories import duty, make_workshop
from workshops import domain
from workshops.models import Phase, SharedText

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = "/tmp/kodeks-read-along.png"  # noqa: S108
CONCLUSION = "Vi ville sige det til chefen med det samme.\nOg skrive det ned bagefter."


@pytest.fixture
def discussing(content, alice):
    """Alice's workshop in discussion: group 1 has its case, a tag and a conclusion."""
    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    domain.choose_case(group, case=workshop.pool.first())
    domain.set_tag(group, point=duty(3), on=True)
    domain.save_text(group, SharedText.CONCLUSION, text=CONCLUSION, version=0)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    return workshop, group


def test_facilitator_reads_along_as_a_phone_in_the_group_writes(
    new_page, live_server, discussing, axe_source
):
    workshop, group = discussing
    base = live_server.url
    facilitator = new_page(LAPTOP)
    console_errors = []
    facilitator.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    log_in(facilitator, base, "alice", "alice-password")
    facilitator.goto(f"{base}{workshop.get_absolute_url()}")
    facilitator.locator("#group-1").get_by_role("link", name="Læs med").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Gruppe 1 – læs med")
    notes = facilitator.locator("section[aria-labelledby=notes-heading]")
    expect(notes).to_contain_text("Intet skrevet endnu.")
    announcer = facilitator.locator("#read-along-announcer")

    phone = phone_in(new_page, base, workshop, group.name)
    phone.locator("#id_notes").click()
    phone.keyboard.type("Vi spørger juristen, før vi svarer borgeren.", delay=20)

    expect(notes).to_contain_text(
        "Vi spørger juristen, før vi svarer borgeren.", timeout=LIVE_TIMEOUT
    )
    # New notes are there to read, not read aloud.
    expect(announcer).to_have_text("")
    # A new tag is.
    phone.get_by_role("button", name="1. Lovlighed", exact=True).click()
    expect(facilitator.locator(".tag-list")).to_contain_text("1. Lovlighed", timeout=LIVE_TIMEOUT)
    expect(announcer).to_contain_text("Pligter i spil: Lovlighed, Faglighed.")
    expect(announcer).to_have_attribute("aria-live", "polite")

    assert axe_violations(facilitator, axe_source) == []
    facilitator.screenshot(path=SCREENSHOT, full_page=True)
    assert console_errors == []
    facilitator.get_by_role("link", name="Tilbage til oversigten").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(workshop.title)
