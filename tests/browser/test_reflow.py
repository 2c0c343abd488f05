"""Every kind of page reflows to 320 CSS px (WCAG 1.4.10): nothing scrolls sideways but a
table in its own scroll box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from kodeks.models import Codex, GuidePage
from tests.browser.helpers import log_in
from tests.factories import duty, join, make_workshop
from workshops import domain
from workshops.models import Phase, SharedText

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

NARROW = {"width": 320, "height": 568}
WIDTH = "() => document.documentElement.scrollWidth"


@pytest.fixture
def running(content, alice):
    """A workshop in full swing: long names, cases chosen, tags, notes, a timer."""
    workshop = make_workshop(
        alice, title="Introforløb for nye medarbejdere i Center for Byggeri og Miljøforvaltning"
    )
    domain.set_timer(workshop, minutes=15)
    for group in workshop.groups.all():
        join(workshop, group, "Mette Kirstine Sørensen-Abildgaard")
        domain.choose_case(group, case=workshop.pool.order_by("-number").first())
        for number in (1, 2):
            domain.set_tag(group, point=duty(number), on=True)
        domain.save_text(
            group, SharedText.NOTES, text="Vi talte om forvaltningsretlige " * 20, version=0
        )
    return workshop


def widths(page, base: str, pages: dict[str, str]) -> dict[str, int]:
    found = {}
    for kind, path in pages.items():
        page.goto(base + path)
        found[kind] = page.evaluate(WIDTH)
    return found


def too_wide(found: dict[str, int]) -> dict[str, int]:
    return {kind: width for kind, width in found.items() if width > NARROW["width"]}


def test_every_kind_of_page_reflows_to_320_px(
    new_page, live_server, running, held, hanne, artifacts
):
    base = live_server.url
    case = Case.objects.public().get(codex__slug=Codex.DUTIES, number=4)
    guide = GuidePage.objects.filter(codex__slug=Codex.DUTIES).first()
    group = running.groups.get(position=1)
    visitor = new_page(NARROW)
    found = widths(
        visitor,
        base,
        {
            "home": "/",
            "library": "/cases/",
            "case": case.get_absolute_url(),
            "codex": "/kodeks/kl-2024/",
            "leadership codex": "/kodeks/god-ledelse/",
            "duty": "/kodeks/kl-2024/1/",
            "guide": guide.get_absolute_url(),
            "login": "/login/",
            "accessibility statement": "/tilgaengelighed/",
            "join": "/deltag/",
            "join workshop": f"/deltag/{running.join_code}/",
        },
    )

    facilitator = new_page(NARROW)
    log_in(facilitator, base, "alice", "alice-password")
    pk = running.pk
    found |= widths(
        facilitator,
        base,
        {
            "workshops list": "/workshops/",
            "new workshop": "/workshops/ny/?format=onboarding",
            "edit": f"/workshops/{pk}/rediger/",
            "arrange": f"/workshops/{pk}/grupper/",
            "projector join": f"/workshops/{pk}/projektor/deltag/",
            "projector (duty)": f"/workshops/{pk}/projektor/?position=4",
            "read-along": f"/workshops/{pk}/grupper/{group.pk}/",
            "summary": f"/workshops/{held.pk}/opsummering/",
            "dashboard": running.get_absolute_url(),
        },
    )
    facilitator.screenshot(path=artifacts / "dashboard-320.png", full_page=True)

    participant = new_page(NARROW)
    participant.goto(f"{base}/deltag/{running.join_code}/")
    participant.get_by_role("radio", name="Gruppe 1", exact=True).check()
    participant.get_by_role("button", name="Gå til gruppen").click()
    participant.wait_for_url(f"**{group.get_absolute_url()}")
    for phase in (Phase.INTRO, Phase.DISCUSSION, Phase.PLENARY, Phase.CLOSED):
        if phase == Phase.PLENARY:
            facilitator.goto(f"{base}/workshops/{pk}/projektor/?position=1")
            found["projector (group)"] = facilitator.evaluate(WIDTH)
        domain.set_phase(running, phase=phase)
        participant.goto(base + group.get_absolute_url())
        found[f"group page ({phase.label})"] = participant.evaluate(WIDTH)

    hr = new_page(NARROW)
    log_in(hr, base, "hanne", "hanne-password")
    found |= widths(hr, base, {"report": "/rapporter/"})

    assert too_wide(found) == {}


def test_a_table_that_scrolls_in_its_box_is_reached_with_the_keyboard(
    new_page, live_server, running
):
    """At 320 px the groups table scrolls in its box: Tab reaches the box, named by its
    heading, the arrow keys scroll it, and it stays reachable through the dashboard's polls.
    On a wide screen, where nothing scrolls, it is no stop for Tab."""
    page = new_page(NARROW)
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}/workshops/{running.pk}/")
    box = page.locator("#groups-scroll")
    expect(box).to_have_attribute("tabindex", "0")
    expect(page.get_by_role("group", name="Grupperne")).to_have_count(1)
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert box.evaluate("box => box.scrollLeft") > 0
    # A poll that brings a change swaps the section; the box keeps the focus.
    domain.set_tag(running.groups.first(), point=duty(3), on=True)
    expect(page.locator("#live")).to_contain_text("3. Faglighed", timeout=10_000)
    expect(page.locator("#groups-scroll")).to_be_focused()
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(page.locator("#groups-scroll")).not_to_have_attribute("tabindex", "0")
