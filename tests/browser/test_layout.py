"""Participant pages at 390 px, the dashboard at 1366 px, the projector at 1920×1080."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, log_in
from tests.factories import duty, join, make_workshop
from workshops import domain
from workshops.models import Phase, SharedText

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}

# Every element's box must lie inside the page's width: nothing sticks out or forces scrolling.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(el => el.closest(".table-scroll") === null)
    .filter(el => {
      const box = el.getBoundingClientRect();
      return box.width && box.right > width + 1;
    })
    .map(el => el.tagName + "." + el.className);
}"""


def assert_fits(page) -> None:
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def running(content, alice):
    workshop = make_workshop(alice, title="Introforløb for nye medarbejdere i Center for Byggeri")
    domain.set_timer(workshop, minutes=15)
    for group in workshop.groups.all():
        join(workshop, group, "Deltager")
        domain.choose_case(group, case=workshop.pool.order_by("-number").first())
        for number in (1, 4, 7):
            domain.set_tag(group, point=duty(number), on=True)
        domain.save_text(
            group,
            SharedText.CONCLUSION,
            text="Vi ville tage det op med direktøren. " * 4,
            version=0,
        )
    return workshop


def test_participant_pages_fit_a_phone(new_page, live_server, running, artifacts):
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/deltag/")
    assert_fits(page)
    page.screenshot(path=artifacts / "join-390.png", full_page=True)
    page.goto(f"{live_server.url}/deltag/{running.join_code}/")
    assert_fits(page)
    page.screenshot(path=artifacts / "choose-group-390.png", full_page=True)
    page.get_by_role("radio", name="Gruppe 2", exact=True).check()
    page.get_by_role("button", name="Gå til gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gruppe 2")
    assert_fits(page)
    # The case comes before the tags on a phone, so the group reads before it tags.
    case_top = page.locator("#dilemma-heading").bounding_box()["y"]
    assert case_top < page.locator("#tags-heading").bounding_box()["y"]
    page.screenshot(path=artifacts / "group-case-390.png", full_page=True)


def test_dashboard_fits_a_laptop(new_page, live_server, running, artifacts):
    page = new_page(LAPTOP)
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}{running.get_absolute_url()}")
    assert_fits(page)
    assert page.locator(".table-scroll").evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path=artifacts / "dashboard-groups-1366.png", full_page=True)


def test_projector_fills_one_1920_screen(new_page, live_server, running, artifacts):
    page = new_page(PROJECTOR)
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}/workshops/{running.pk}/projektor/?position=4")
    expect(page.get_by_role("heading", level=1)).to_have_text("Udvikling og samarbejde")
    assert_fits(page)
    assert page.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    page.screenshot(path=artifacts / "projector-duty-1920.png")
    domain.set_phase(running, phase=Phase.PLENARY)
    page.goto(f"{live_server.url}/workshops/{running.pk}/projektor/?position=2")
    expect(page.get_by_role("list", name="Pligter i spil").get_by_role("listitem")).to_have_count(3)
    assert_fits(page)
    assert page.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    page.screenshot(path=artifacts / "projector-group-1920.png")


def test_the_join_screen_fills_one_screen_with_the_code_and_its_qr(
    new_page, live_server, running, artifacts
):
    for size in (PROJECTOR, LAPTOP):
        page = new_page(size)
        log_in(page, live_server.url, "alice", "alice-password")
        page.goto(f"{live_server.url}{running.get_absolute_url()}")
        page.get_by_role("link", name="Vis på projektoren", exact=True).click()
        expect(page.locator(".join-code")).to_have_text(running.display_code)
        expect(page.get_by_role("img", name="QR-kode der åbner workshoppen")).to_be_visible()
        page.wait_for_function("() => document.querySelector('.qr').naturalWidth > 0")
        assert_fits(page)
        assert page.evaluate("document.documentElement.scrollHeight") <= size["height"]
        page.screenshot(path=artifacts / f"projector-join-{size['width']}.png")
