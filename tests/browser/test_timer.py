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


def test_the_projector_follows_the_dashboard_s_timer_and_chimes_when_asked(
    new_page, live_server, content, alice
):
    """The projector is open on the wall while the facilitator works the dashboard on their
    laptop: it picks up the timer, plays its sound only when switched on, and a new phase
    takes the run-out timer away."""
    workshop = make_workshop(alice)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    base = live_server.url
    projector = new_page(LAPTOP)
    # Counts the sounds the page starts, instead of playing them.
    projector.add_init_script(
        "window.chimes = 0; HTMLMediaElement.prototype.play = function () {"
        " window.chimes += 1; return Promise.resolve(); };"
    )
    log_in(projector, base, "alice", "alice-password")
    projector.goto(f"{base}/workshops/{workshop.pk}/projektor/")
    sound = projector.get_by_label("Spil en kort lyd, når tiden er gået")
    expect(sound).not_to_be_checked()
    expect(projector.locator(".timer")).to_have_count(0)

    dashboard = new_page(LAPTOP)
    log_in(dashboard, base, "alice", "alice-password")
    dashboard.goto(f"{base}/workshops/{workshop.pk}/")
    dashboard.get_by_label("Timer (minutter)").fill("10")
    dashboard.get_by_role("button", name="Start timer").click()
    expect(projector.locator(".timer")).to_contain_text("Tid tilbage", timeout=LIVE_TIMEOUT)

    # Runs out unheard while the sound is off; once switched on, the next one chimes.
    ends = timezone.now() + datetime.timedelta(seconds=2)
    Workshop.objects.filter(pk=workshop.pk).update(timer_ends_at=ends, version=F("version") + 1)
    expect(projector.locator(".timer")).to_have_text("Tiden er gået", timeout=LIVE_TIMEOUT + 3_000)
    assert projector.evaluate("window.chimes") == 0
    sound.check()
    ends = timezone.now() + datetime.timedelta(seconds=7)
    Workshop.objects.filter(pk=workshop.pk).update(timer_ends_at=ends, version=F("version") + 1)
    expect(projector.locator(".timer")).to_contain_text("Tid tilbage", timeout=LIVE_TIMEOUT)
    expect(projector.locator(".timer")).to_have_text("Tiden er gået", timeout=LIVE_TIMEOUT + 3_000)
    assert projector.evaluate("window.chimes") == 1
    # The choice is remembered on this computer.
    projector.reload()
    expect(projector.get_by_label("Spil en kort lyd, når tiden er gået")).to_be_checked()

    # Plenum: the projector shows the groups, and the run-out timer is gone.
    dashboard.get_by_role("button", name="Plenum").click()
    expect(projector.locator(".slide .eyebrow")).to_contain_text(
        "gruppe 1 af 2", timeout=LIVE_TIMEOUT
    )
    expect(projector.locator(".timer")).to_have_count(0)
