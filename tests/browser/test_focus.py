"""Focus that survives what the page does by itself: polls, filters and reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE_TIMEOUT, log_in, phone_in
from tests.factories import duty, join, make_workshop
from workshops import domain

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}
ACTIVE_ID = "() => document.activeElement && document.activeElement.id"


def test_a_dashboard_poll_leaves_focus_on_the_link(new_page, live_server, content, alice):
    workshop = make_workshop(alice)
    group1, group2 = workshop.groups.all()
    join(workshop, group1, "Mette")
    page = new_page(LAPTOP)
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}{workshop.get_absolute_url()}")
    page.locator(f"#present-{group1.pk}").focus()

    domain.set_tag(group1, point=duty(1), on=True)
    expect(page.locator("#group-1")).to_contain_text("Lovlighed", timeout=LIVE_TIMEOUT)
    assert page.evaluate(ACTIVE_ID) == f"present-{group1.pk}"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_ID) == f"read-along-{group2.pk}"


def test_a_group_poll_leaves_focus_on_the_tag_button(new_page, live_server, content, alice):
    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    page = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    faglighed = page.get_by_role("button", name="3. Faglighed", exact=True)
    faglighed.focus()

    domain.set_tag(group, point=duty(1), on=True)
    expect(page.get_by_role("button", name="1. Lovlighed", exact=True)).to_have_attribute(
        "aria-pressed", "true", timeout=LIVE_TIMEOUT
    )
    assert page.evaluate(ACTIVE_ID) == f"tag-{duty(3).pk}"


def test_a_library_filter_keeps_focus_and_its_count(page, live_server, content):
    page.goto(f"{live_server.url}/cases/")
    count = page.locator("#result-count")
    count.evaluate("element => { element.dataset.kept = 'yes' }")
    page.get_by_role("link", name="3. Faglighed", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/\?pligt=3$"))
    expect(page.locator("#filter-pligt-3")).to_have_attribute("aria-current", "true")
    assert page.evaluate(ACTIVE_ID) == "filter-pligt-3"
    # The status region is the same element, outside the swapped results, with new words.
    expect(count).to_have_attribute("data-kept", "yes")
    expect(count).to_have_text(re.compile(r"^\d+ cases? fundet · Faglighed$"))
    assert count.evaluate("element => element.closest('#results') === null")
    assert count.get_attribute("role") == "status"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_ID) == "filter-pligt-4"
