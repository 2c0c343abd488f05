"""Several phones in one group at once, in real browsers: what one does reaches the others,
and two doing the same thing at the same moment agree."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE_TIMEOUT, phone_in
from tests.factories import duty, make_workshop
from workshops import domain
from workshops.models import Phase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def discussing(content, alice):
    """A workshop in discussion whose group 1 has chosen its case."""
    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    domain.choose_case(group, case=workshop.pool.first())
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    return workshop, group


def test_two_phones_tapping_the_same_duty_at_once_both_leave_it_tagged(
    new_page, live_server, discussing
):
    workshop, group = discussing
    anna = phone_in(new_page, live_server.url, workshop, group.name)
    bo = phone_in(new_page, live_server.url, workshop, group.name)
    faglighed = "3. Faglighed"
    # Both see it untagged and tap it before either has heard back.
    anna.get_by_role("button", name=faglighed, exact=True).click(no_wait_after=True)
    bo.get_by_role("button", name=faglighed, exact=True).click(no_wait_after=True)
    for page in (anna, bo):
        expect(page.get_by_role("button", name=faglighed, exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
    assert list(group.tags.all()) == [duty(3)]
    # After the next polls they still agree, and a tap takes it off for both.
    anna.wait_for_timeout(3500)
    expect(bo.get_by_role("button", name=faglighed, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    anna.get_by_role("button", name=faglighed, exact=True).click()
    expect(anna.get_by_role("button", name=faglighed, exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(bo.get_by_role("button", name=faglighed, exact=True)).to_have_attribute(
        "aria-pressed", "false", timeout=LIVE_TIMEOUT
    )
    assert list(group.tags.all()) == []


def test_a_tag_set_on_one_phone_reaches_the_others_within_a_poll(new_page, live_server, discussing):
    workshop, group = discussing
    phones = [phone_in(new_page, live_server.url, workshop, group.name) for _ in range(3)]
    phones[0].get_by_role("button", name="1. Lovlighed", exact=True).click()
    for page in phones[1:]:
        expect(page.get_by_role("button", name="1. Lovlighed", exact=True)).to_have_attribute(
            "aria-pressed", "true", timeout=LIVE_TIMEOUT
        )
        # Tapping it there now takes it off: the button says what pressing it does.
        expect(
            page.locator(f"#tag-{duty(1).pk}").locator("xpath=..").locator("[name=on]")
        ).to_have_value("")


def test_a_case_change_is_confirmed_and_reaches_the_other_phone_within_a_poll(
    new_page, live_server, discussing
):
    workshop, group = discussing
    anna = phone_in(new_page, live_server.url, workshop, group.name)
    bo = phone_in(new_page, live_server.url, workshop, group.name)
    first, second = workshop.pool.all()[:2]
    expect(bo.locator("#dilemma-heading")).to_have_text(first.title)
    anna.get_by_text("Skift case", exact=True).click()
    anna.get_by_role("button", name=second.title).click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Skift case?")
    group.refresh_from_db()
    assert group.case == first
    anna.get_by_role("button", name="Ja, skift case").click()
    expect(anna.locator("#dilemma-heading")).to_have_text(second.title)
    expect(bo.locator("#dilemma-heading")).to_have_text(second.title, timeout=LIVE_TIMEOUT)
    group.refresh_from_db()
    assert group.case == second
