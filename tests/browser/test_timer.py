"""The timer in real browsers: the facilitator starts it, every screen counts down, and when
it runs out every screen says so, once to screen readers."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import LAPTOP, LIVE_TIMEOUT, log_in, phone_in
from tests.factories import make_workshop
from workshops import domain
from workshops.models import Phase, Workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def test_the_timer_runs_out_on_the_phone_and_on_the_projector(
    new_page, live_server, content, alice, artifacts
):
    workshop = make_workshop(alice)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    base = live_server.url
    phone = phone_in(new_page, base, workshop, "Gruppe 1")
    facilitator = new_page(LAPTOP)
    log_in(facilitator, base, "alice", "alice-password")
    facilitator.goto(f"{base}/workshops/{workshop.pk}/")
    facilitator.get_by_label("Timer (minutter)").fill("500")
    facilitator.get_by_role("button", name="Start timer").click()
    # The browser's own check stops it first; the server's answer says the same in Danish.
    expect(facilitator.get_by_label("Timer (minutter)")).to_have_value("500")
    facilitator.get_by_label("Timer (minutter)").fill("2")
    facilitator.get_by_role("button", name="Start timer").click()
    expect(phone.locator(".timer")).to_contain_text("Tid tilbage", timeout=LIVE_TIMEOUT)
    # Two minutes are long for a test: the timer is made to run out in three seconds.
    ends = timezone.now() + datetime.timedelta(seconds=3)
    Workshop.objects.filter(pk=workshop.pk).update(timer_ends_at=ends, version=F("version") + 1)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/projektor/")
    for page in (phone, facilitator):
        expect(page.locator(".timer")).to_have_text("Tiden er gået", timeout=LIVE_TIMEOUT + 3_000)
        expect(page.locator("#timer-announcer")).to_have_text("Tiden er gået")
    phone.screenshot(path=artifacts / "timer-run-out-phone.png")
    facilitator.screenshot(path=artifacts / "timer-run-out-projector.png")
    # Polls that bring the same run-out timer again do not say it again.
    phone.evaluate("document.getElementById('timer-announcer').textContent = ''")
    phone.wait_for_timeout(4_000)
    expect(phone.locator("#timer-announcer")).to_have_text("")
    facilitator.goto(f"{base}/workshops/{workshop.pk}/")
    facilitator.get_by_role("button", name="Plenum").click()
    expect(phone.locator(".timer")).to_have_count(0, timeout=LIVE_TIMEOUT)
