"""The facilitator's guide: read in the library, and shown to the room from the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LAPTOP, axe_violations, log_in
from tests.browser.test_layout import assert_fits
from tests.factories import make_workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def test_a_guide_page_reads_in_the_library(new_page, live_server, content, artifacts):
    page = new_page(LAPTOP)
    page.goto(f"{live_server.url}/kodeks/kl-2024/vejledning/det-lokale-arbejde-med-kodeks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Det lokale arbejde med kodeks")
    thisted = page.get_by_role(
        "heading", name="Thisted Kommune drøfter dilemmaer i chef- og direktørgruppen"
    )
    expect(thisted).to_be_visible()
    assert_fits(page)
    page.screenshot(path=artifacts / "guide-1366.png", full_page=True)


def test_a_duty_page_shows_its_text_in_the_2016_appendix(new_page, live_server, content, artifacts):
    page = new_page(LAPTOP)
    page.goto(f"{live_server.url}/kodeks/kl-2024/7/")
    heading = page.get_by_role("heading", level=2, name="Bo Smith-udvalgets kodeks (2015)")
    expect(heading).to_have_text(
        "Bo Smith-udvalgets kodeks (2015): pligt nr. 4 i bilaget til KL’s kodeks fra 2016"
    )
    appendix = page.locator("section", has=heading)
    expect(appendix).to_contain_text("Embedsmænd skal i deres arbejde være partipolitisk neutrale.")
    expect(appendix.get_by_role("heading", name="Pligten betyder fx")).to_be_visible()
    expect(appendix.get_by_role("listitem")).to_have_count(3)
    assert_fits(page)
    heading.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "duty-2016-appendix-1366.png", full_page=True)


def test_the_facilitator_shows_a_guide_section_on_the_projector(
    new_page, live_server, content, alice, axe_source, artifacts
):
    workshop = make_workshop(alice, title="Introforløb for nye medarbejdere")
    page = new_page(LAPTOP)
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}{workshop.get_absolute_url()}")
    guidance = page.get_by_role("region", name="Vejledning til facilitatoren")
    guidance.get_by_role(
        "link", name="Vis på projektoren Et ledelsesansvar at sikre kendskab til kodeks"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Det lokale arbejde med kodeks")
    section = page.get_by_role(
        "heading", level=2, name="Et ledelsesansvar at sikre kendskab til kodeks"
    )
    expect(section).to_be_in_viewport()
    text = page.get_by_text("Den øverste administrative ledelse i kommunen har naturligvis")
    expect(text).to_be_in_viewport()
    # Large type: the room reads it from the back of the room.
    assert text.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 25
    assert_fits(page)
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=artifacts / "projector-guide-1366.png")

    page.get_by_role("link", name="7 pligter for embedsværkets arbejde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("7 pligter for embedsværkets arbejde")
    expect(page.get_by_text("I efteråret 2015 lancerede")).to_be_visible()
