"""A workshop's whole life in a real browser: closed after a confirmation while a phone is on
it, opened again, copied, and deleted, after which HR's report no longer counts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LAPTOP, LIVE_TIMEOUT, log_in, phone_in
from tests.factories import make_workshop
from workshops import domain
from workshops.models import Group, Participant, Phase, Workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def test_close_reopen_copy_and_delete(new_page, live_server, content, alice, hanne):
    base = live_server.url
    workshop = make_workshop(alice, title="Forløbet der slettes")
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    phone = phone_in(new_page, base, workshop, "Gruppe 1")
    facilitator = new_page(LAPTOP)
    log_in(facilitator, base, "alice", "alice-password")
    facilitator.goto(f"{base}/workshops/{workshop.pk}/")

    # Closing asks first and says what it does; "no" leaves it running.
    facilitator.get_by_role("link", name="Luk workshoppen").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Luk workshoppen?")
    facilitator.get_by_role("link", name="Nej, lad den køre").click()
    expect(facilitator.locator("#live")).to_contain_text("Drøftelse")
    facilitator.get_by_role("link", name="Luk workshoppen").click()
    facilitator.get_by_role("button", name="Ja, luk workshoppen").click()
    expect(facilitator.get_by_role("button", name="Genåbn workshoppen")).to_be_visible()
    # The phone shows the group's result, read-only, within a poll.
    expect(phone.locator(".phase-banner")).to_have_text(
        "Workshoppen er lukket. Her er jeres resultat.", timeout=LIVE_TIMEOUT
    )
    expect(phone.locator("textarea")).to_have_count(0)

    # Opened again, it is in plenum and the phone can write again.
    facilitator.get_by_role("button", name="Genåbn workshoppen").click()
    expect(facilitator.locator("#live")).to_contain_text("Plenum")
    phone.reload()
    expect(phone.get_by_label("Hvad talte I om?")).to_be_editable()
    facilitator.get_by_role("link", name="Luk workshoppen").click()
    facilitator.get_by_role("button", name="Ja, luk workshoppen").click()

    # HR counts it, then it is copied and the original deleted.
    report = new_page(LAPTOP)
    log_in(report, base, "hanne", "hanne-password")
    report.goto(f"{base}/rapporter/")
    workshops_figure = report.locator(".facts div").filter(has_text="Workshops").locator("dd")
    expect(workshops_figure).to_have_text("1")

    facilitator.get_by_role("button", name="Kopiér til en ny workshop").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Kopi af Forløbet der slettes")
    copy = Workshop.objects.get(title="Kopi af Forløbet der slettes")
    assert list(copy.groups.values_list("name", flat=True)) == ["Gruppe 1", "Gruppe 2"]
    assert set(copy.pool.all()) == set(workshop.pool.all())
    assert not copy.participants.exists() and copy.phase == Phase.INTRO

    facilitator.goto(f"{base}/workshops/{workshop.pk}/")
    facilitator.get_by_role("link", name="Slet workshoppen").click()
    expect(facilitator.get_by_role("main")).to_contain_text(
        "1 deltager og navnet, hvis det blev givet"
    )
    facilitator.get_by_role("button", name="Ja, slet workshoppen").click()
    expect(facilitator.get_by_role("status")).to_have_text("“Forløbet der slettes” er slettet.")
    assert not Workshop.objects.filter(pk=workshop.pk).exists()
    assert not Group.objects.filter(workshop_id=workshop.pk).exists()
    assert not Participant.objects.filter(workshop_id=workshop.pk).exists()
    report.reload()
    expect(report.get_by_role("main")).not_to_contain_text("Forløbet der slettes")
    expect(workshops_figure).to_have_text("0")
    expect(report.get_by_role("main")).to_contain_text("Ingen lukkede workshops i perioden.")
