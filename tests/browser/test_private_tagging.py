"""Tagging on one's own first, on three phones: the count of who has tagged, the reveal that
asks first, the majority's tags to start from, and the group's agreement."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE_TIMEOUT, phone_in
from tests.factories import duty, make_workshop
from workshops import domain
from workshops.models import Phase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

INSTRUCTION = (
    "Bliv enige om gruppens tags. Vi har sat flueben ved det, flertallet taggede – ret til,"
    " og bekræft."
)


@pytest.fixture
def tagging_alone(content, alice):
    """A workshop in discussion where members tag on their own first; group 1 has its case."""
    workshop = make_workshop(alice, private_tagging=True)
    group = workshop.groups.get(position=1)
    domain.choose_case(group, case=workshop.pool.first())
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    return workshop, group


def tag_privately(page, *numbers: int) -> None:
    for number in numbers:
        button = page.locator(f"#private-{duty(number).pk}")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")


def test_three_phones_tag_alone_reveal_and_agree(new_page, live_server, tagging_alone):
    workshop, group = tagging_alone
    anna, bo, carl = (phone_in(new_page, live_server.url, workshop, group.name) for _ in range(3))
    tag_privately(anna, 1, 3)
    tag_privately(bo, 1, 4)
    # Carl sees and hears that two have tagged, and nothing of what they chose.
    expect(carl.locator("#tags").get_by_text("2 af 3 har tagget", exact=True)).to_be_visible(
        timeout=LIVE_TIMEOUT
    )
    expect(carl.locator("#tags-announcer")).to_have_text("2 af 3 har tagget")
    expect(carl.locator(f"#private-{duty(1).pk}")).to_have_attribute("aria-pressed", "false")

    # Carl has not tagged: revealing asks first, and "no" changes nothing.
    expect(anna.locator("#tags").get_by_text("2 af 3 har tagget", exact=True)).to_be_visible(
        timeout=LIVE_TIMEOUT
    )
    anna.get_by_role("button", name="Vis alles tags").click()
    expect(anna.get_by_text("Kun 2 af 3 har tagget. Vis alles tags alligevel?")).to_be_visible()
    anna.get_by_role("link", name="Nej, vent på de andre").click()
    expect(anna.get_by_role("button", name="Vis alles tags")).to_be_visible()
    group.refresh_from_db()
    assert not group.revealed
    anna.get_by_role("button", name="Vis alles tags").click()
    anna.get_by_role("button", name="Ja, vis alles tags").click()

    # Both who tagged chose 1, so it is ticked for the group; 3 and 4 were one each.
    for page in (anna, bo, carl):
        expect(page.locator("#tags").get_by_text(INSTRUCTION)).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(page.locator(f"#tag-{duty(1).pk}")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#tag-{duty(3).pk}")).to_have_attribute("aria-pressed", "false")
        expect(page.locator(f"#tag-{duty(1).pk}").locator("xpath=../..")).to_contain_text(
            "2 medlemmer"
        )
    assert set(group.tags.values_list("number", flat=True)) == {1}

    # The group adds 3 after all, and agrees.
    bo.locator(f"#tag-{duty(3).pk}").click()
    expect(bo.locator(f"#tag-{duty(3).pk}")).to_have_attribute("aria-pressed", "true")
    bo.get_by_role("button", name="Vi er enige").click()
    for page in (anna, bo, carl):
        agreed = page.locator("#tags").get_by_text("I er enige om gruppens tags.", exact=True)
        expect(agreed).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(page.get_by_role("button", name="Vi er enige")).to_have_count(0)
        expect(page.locator(f"#tag-{duty(3).pk}")).to_have_attribute("aria-pressed", "true")
    group.refresh_from_db()
    assert group.tags_agreed
    assert set(group.tags.values_list("number", flat=True)) == {1, 3}
