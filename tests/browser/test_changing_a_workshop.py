"""A running workshop changed in real browsers: the pool picked by duty, the set-up edited
while phones are open, and people moved between groups, whose phones follow."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from kodeks.models import Codex
from tests.browser.helpers import LAPTOP, LIVE_TIMEOUT, log_in, phone_in
from tests.factories import join, make_workshop
from workshops import domain
from workshops.models import Phase, Workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def test_the_pool_picker_shows_cases_under_their_duty_with_their_text(
    new_page, live_server, content, alice, artifacts
):
    facilitator = new_page(LAPTOP)
    log_in(facilitator, live_server.url, "alice", "alice-password")
    facilitator.goto(f"{live_server.url}/workshops/ny/?format=custom")
    picker = facilitator.get_by_role("group", name="Cases at vælge imellem")
    lovlighed_cases = Case.objects.public().filter(listed_under__number=1)
    section = picker.locator(".pool-section").filter(
        has=facilitator.get_by_role("heading", name="1. Lovlighed", exact=True)
    )
    expect(section.locator(".pool-cases > li")).to_have_count(lovlighed_cases.count())
    leadership = picker.locator(".pool-section").filter(
        has=facilitator.get_by_role("heading", name="Kodeks for god ledelse")
    )
    expect(leadership.locator(".pool-cases > li")).to_have_count(
        Case.objects.public().filter(codex__slug=Codex.LEADERSHIP).count()
    )
    # The cases of a duty fold out; a case is read before it is chosen.
    expect(section.locator(".pool-cases")).to_be_hidden()
    section.locator(".pool-section-cases > summary").click()
    first = lovlighed_cases.order_by("number").first()
    situation = section.locator(".case-preview").first
    expect(situation.locator("div")).to_be_hidden()
    situation.locator("summary").click()
    expect(situation).to_contain_text(first.situation.split("\n")[0][:60])
    # The count says what the ticked duties give: all seven to start with, then fewer.
    all_duty_cases = Case.objects.public().filter(codex__slug=Codex.DUTIES).count()
    count = picker.locator("[data-pool-count]")
    expect(count).to_have_text(f"Puljen: {all_duty_cases} cases")
    for number in range(2, 8):
        picker.locator(".pool-duty input").nth(number - 1).uncheck()
    expect(count).to_have_text(f"Puljen: {lovlighed_cases.count()} cases")
    leadership.locator(".pool-section-cases > summary").click()
    leadership.locator(".pool-cases input").first.check()
    expect(count).to_have_text(f"Puljen: {lovlighed_cases.count() + 1} cases")
    facilitator.set_viewport_size({"width": 1366, "height": 1400})
    picker.scroll_into_view_if_needed()
    facilitator.screenshot(path=artifacts / "pool-picker.png")
    facilitator.get_by_label("Titel", exact=True).fill("Fra pligt 1")
    facilitator.get_by_role("button", name="Opret workshop").click()
    facilitator.wait_for_url(re.compile(r"/workshops/\d+/$"))
    workshop = Workshop.objects.get(title="Fra pligt 1")
    assert workshop.pool.count() == lovlighed_cases.count() + 1


def test_an_edit_reaches_two_open_phones(new_page, live_server, content, alice, artifacts):
    workshop = make_workshop(alice, own_dilemmas=False)
    base = live_server.url
    mette = phone_in(new_page, base, workshop, "Gruppe 1")
    jonas = phone_in(new_page, base, workshop, "Gruppe 2")
    # Jonas is typing when the change comes; nothing he typed may be lost.
    jonas.get_by_label("Hvad talte I om?").fill("Vi starter med")
    new_case = Case.objects.public().filter(listed_under__number=3).order_by("number").first()
    assert new_case not in workshop.pool.all()

    facilitator = new_page(LAPTOP)
    log_in(facilitator, base, "alice", "alice-password")
    facilitator.goto(f"{base}/workshops/{workshop.pk}/")
    facilitator.get_by_role("link", name="Ret workshoppen").click()
    facilitator.get_by_label("Navn på gruppe 1").fill("Bordet ved vinduet")
    facilitator.get_by_label("Nye grupper").fill("Gruppe 3")
    picker = facilitator.get_by_role("group", name="Cases at vælge imellem")
    picker.locator(".pool-section").filter(has_text="3. Faglighed").locator("summary").first.click()
    picker.get_by_label(f"{new_case.number}. {new_case.title}", exact=True).check()
    facilitator.set_viewport_size({"width": 1366, "height": 1100})
    facilitator.evaluate("window.scrollTo(0, 0)")
    facilitator.screenshot(path=artifacts / "edit-workshop.png")
    facilitator.get_by_role("button", name="Gem ændringerne").click()
    expect(facilitator.get_by_role("status")).to_have_text("Ændringerne er gemt.")
    expect(facilitator.locator("#live")).to_contain_text("Bordet ved vinduet")
    expect(facilitator.locator("#live")).to_contain_text("Gruppe 3")

    # Within a poll, both phones show the change, and Jonas's words are still there.
    expect(mette.get_by_role("heading", level=1)).to_have_text(
        "Bordet ved vinduet", timeout=LIVE_TIMEOUT
    )
    expect(mette.locator(".pool")).to_contain_text(new_case.title)
    expect(jonas.locator(".pool")).to_contain_text(new_case.title, timeout=LIVE_TIMEOUT)
    expect(jonas.get_by_label("Hvad talte I om?")).to_have_value("Vi starter med")
    # The reload kept him in the box, at the end of what he wrote.
    expect(jonas.get_by_label("Hvad talte I om?")).to_be_focused()
    jonas.get_by_label("Hvad talte I om?").press_sequentially(" pligterne")
    expect(jonas.locator("form[data-shared-text=notes] [data-save-state]")).to_contain_text(
        "Gemt", timeout=LIVE_TIMEOUT
    )
    group2 = workshop.groups.get(position=2)
    assert group2.notes == "Vi starter med pligterne"


def test_twelve_split_evenly_and_a_moved_phone_follows(
    new_page, live_server, content, alice, artifacts
):
    workshop = make_workshop(alice, groups=4)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    base = live_server.url
    first = workshop.groups.get(position=1)
    # Ten joined by the code on their phones; two of them are watched here.
    for _ in range(10):
        join(workshop, first)
    watched = [phone_in(new_page, base, workshop, "Gruppe 1") for _ in range(2)]
    facilitator = new_page(LAPTOP)
    log_in(facilitator, base, "alice", "alice-password")
    facilitator.goto(f"{base}/workshops/{workshop.pk}/")
    facilitator.get_by_role("link", name="Fordel deltagerne").click()
    facilitator.get_by_role("button", name="Fordel jævnt").click()
    expect(facilitator.get_by_role("status")).to_have_text("Deltagerne er fordelt på grupperne.")
    for position in range(1, 5):
        heading = facilitator.get_by_role(
            "heading", level=2, name=re.compile(f"^Gruppe {position}")
        )
        expect(heading).to_have_text(f"Gruppe {position} (3)")
    # Dealt out in the order they joined: the two watched phones joined last, as the 11th
    # and 12th, so they are in groups 3 and 4 now, and their pages go there by themselves.
    for phone, group in zip(watched, ["Gruppe 3", "Gruppe 4"], strict=True):
        expect(phone.get_by_role("heading", level=1)).to_have_text(group, timeout=LIVE_TIMEOUT)

    # One of them is moved on to group 1; that phone follows again.
    facilitator.get_by_label(re.compile(r"^Flyt Deltager \d+ til$")).last.select_option("Gruppe 1")
    facilitator.locator(".move-form").last.get_by_role("button", name=re.compile("^Flyt")).click()
    expect(facilitator.get_by_role("status")).to_contain_text("er flyttet til Gruppe 1.")
    expect(watched[1].get_by_role("heading", level=1)).to_have_text(
        "Gruppe 1", timeout=LIVE_TIMEOUT
    )
    expect(watched[0].get_by_role("heading", level=1)).to_have_text("Gruppe 3")
    facilitator.screenshot(path=artifacts / "arrange-groups.png", full_page=True)


def test_a_set_up_saved_as_a_template_makes_the_next_workshop(
    new_page, live_server, content, alice
):
    workshop = make_workshop(alice, groups=3, private_tagging=True)
    workshop.groups.filter(position=3).update(name="Ledergruppen")
    facilitator = new_page(LAPTOP)
    log_in(facilitator, live_server.url, "alice", "alice-password")
    facilitator.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    facilitator.get_by_role("link", name="Gem som skabelon").click()
    facilitator.get_by_label("Skabelonens navn").fill("Introdag, fast")
    facilitator.get_by_role("button", name="Gem skabelonen").click()
    expect(facilitator.get_by_role("status")).to_contain_text(
        "Skabelonen “Introdag, fast” er gemt."
    )

    facilitator.get_by_role("link", name="Workshops", exact=True).click()
    facilitator.get_by_role("link", name="Skabelon: Introdag, fast").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(
        "Ny workshop fra skabelonen “Introdag, fast”"
    )
    expect(facilitator.get_by_label("Grupper", exact=True)).to_have_value(
        "Gruppe 1\nGruppe 2\nLedergruppen"
    )
    expect(facilitator.get_by_label("Hver deltager tagger først for sig selv")).to_be_checked()
    facilitator.get_by_label("Titel", exact=True).fill("Introdag i marts")
    facilitator.get_by_role("button", name="Opret workshop").click()
    facilitator.wait_for_url(re.compile(r"/workshops/\d+/$"))
    made = Workshop.objects.get(title="Introdag i marts")
    assert list(made.groups.values_list("name", flat=True)) == [
        "Gruppe 1",
        "Gruppe 2",
        "Ledergruppen",
    ]
    assert set(made.pool.all()) == set(workshop.pool.all())
    assert made.private_tagging
