"""A whole onboarding workshop in real browsers: a facilitator and two groups on phones."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import LAPTOP, LIVE_TIMEOUT, NOTES_STATE, PHONE, log_in, phone_in
from workshops.models import Group, Phase, Workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def choose_group(page, group_name: str, display_name: str = "") -> None:
    """On the workshop's join page: pick a group (and a name) and go to the group page."""
    page.get_by_role("radio", name=group_name, exact=True).check()
    if display_name:
        page.get_by_label("Dit navn (valgfrit)").fill(display_name)
    page.get_by_role("button", name="Gå til gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group_name)


def choose_case(page, index: int) -> str:
    """Pick the index-th case of the pool; returns its title."""
    button = page.locator("ul.pool button").nth(index)
    title = button.locator(".case-title").inner_text()
    button.click()
    expect(page.locator("#dilemma-heading")).to_have_text(title)
    return title


def write_notes(page, text: str) -> None:
    page.get_by_label("Hvad talte I om?").fill(text)
    expect(page.locator(NOTES_STATE)).to_contain_text("Gemt")


def tag(page, point: str) -> None:
    page.get_by_role("button", name=point, exact=True).click()
    expect(page.get_by_role("button", name=point, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def csrf_token(page) -> str:
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()


def test_facilitator_runs_an_onboarding_workshop_with_two_groups(
    browser, live_server, content, alice, artifacts
):
    base = live_server.url
    contexts = []

    console_errors = []

    def new_page(viewport):
        context = browser.new_context(viewport=viewport, locale="da-DK")
        contexts.append(context)
        page = context.new_page()
        # Chromium reports every blocked script, style or frame here.
        page.on(
            "console",
            lambda message: message.type == "error" and console_errors.append(message.text),
        )
        return page

    try:
        # 1. The facilitator creates an onboarding workshop with two groups.
        facilitator = new_page(LAPTOP)
        log_in(facilitator, base, "alice", "alice-password")
        facilitator.goto(f"{base}/workshops/")
        facilitator.get_by_role("link", name="Onboarding", exact=True).click()
        expect(facilitator.get_by_role("heading", level=1)).to_have_text("Ny workshop: Onboarding")
        facilitator.get_by_label("Titel", exact=True).fill("Onboarding af nye kolleger")
        facilitator.get_by_label("Grupper", exact=True).fill("Gruppe 1\nGruppe 2")
        # The date defaults to today; a date input only takes an ISO date as its value.
        expect(facilitator.get_by_label("Dato", exact=True)).to_have_value(
            timezone.localdate().isoformat()
        )
        duties = facilitator.get_by_role("group", name="Cases at vælge imellem")
        duties.get_by_label("cases – 1. Lovlighed").check()
        duties.get_by_label("cases – 2. Sandhed").check()
        facilitator.get_by_role("button", name="Opret workshop").click()
        facilitator.wait_for_url(re.compile(r"/workshops/\d+/$"))
        expect(facilitator.get_by_role("heading", level=1)).to_have_text(
            "Onboarding af nye kolleger"
        )
        display_code = facilitator.locator(".join-code").inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", display_code), display_code
        direct_link = facilitator.get_by_role("link", name="Direkte link").get_attribute("href")
        workshop = Workshop.objects.get(title="Onboarding af nye kolleger")
        assert workshop.display_code == display_code
        assert workshop.pool.count() >= 2
        # The dashboard stays open from here on; it must update itself without a reload.
        qr = facilitator.get_by_role("img", name="QR-kode der åbner workshoppen")
        expect(qr).to_be_visible()
        assert qr.evaluate("image => image.naturalWidth") > 0
        facilitator.evaluate("window.notReloaded = true")

        # 2. Participant A types the code; participant B follows the direct link.
        page_a = new_page(PHONE)
        page_a.goto(f"{base}/deltag/")
        page_a.get_by_label("Kode").fill(display_code.replace("-", "").lower())
        page_a.get_by_role("button", name="Deltag", exact=True).click()
        expect(page_a.get_by_role("heading", level=1)).to_have_text("Onboarding af nye kolleger")
        choose_group(page_a, "Gruppe 1", display_name="Anna")

        page_b = new_page(PHONE)
        page_b.goto(f"{base}{direct_link}")
        choose_group(page_b, "Gruppe 2")

        # 3. Each group picks its own case, writes notes and tags duties.
        case_a = choose_case(page_a, 0)
        case_b = choose_case(page_b, 1)
        assert case_a != case_b
        notes_a = "Vi talte om, hvornår man skal sige fra.\nOg om at spørge juristen."
        notes_b = "Det er svært at sige sandheden til en borgmester."
        write_notes(page_a, notes_a)
        write_notes(page_b, notes_b)
        tag(page_a, "1. Lovlighed")
        tag(page_b, "2. Sandhed")
        tag(page_b, "3. Faglighed")
        page_a.screenshot(path=artifacts / "group-390.png", full_page=True)
        token_a = csrf_token(page_a)
        tag_url_a = page_a.url + "tag/"
        assert re.search(r"/deltag/[0-9A-Z]{10}/gruppe/\d+/tag/$", tag_url_a), tag_url_a

        # 4. The dashboard shows both groups' work without a reload.
        row_1 = facilitator.locator("#group-1")
        row_2 = facilitator.locator("#group-2")
        expect(row_1).to_contain_text(case_a, timeout=LIVE_TIMEOUT)
        expect(row_1).to_contain_text("1. Lovlighed", timeout=LIVE_TIMEOUT)
        expect(row_2).to_contain_text(case_b, timeout=LIVE_TIMEOUT)
        expect(row_2).to_contain_text("2. Sandhed", timeout=LIVE_TIMEOUT)
        expect(row_2).to_contain_text("3. Faglighed", timeout=LIVE_TIMEOUT)
        expect(row_1.locator(".group-tags")).not_to_contain_text("Sandhed")
        assert facilitator.evaluate("window.notReloaded") is True
        facilitator.screenshot(path=artifacts / "dashboard-1366.png", full_page=True)

        # 5. Plenary: the projector shows group 2's case and tags.
        phase = facilitator.get_by_role("group", name="Fase")
        phase.get_by_role("button", name="Plenum").click()
        expect(
            facilitator.get_by_role("group", name="Fase").get_by_role("button", name="Plenum")
        ).to_have_attribute("aria-pressed", "true")
        facilitator.locator("#group-2").get_by_role("link", name="Vis i plenum").click()
        facilitator.wait_for_url(re.compile(r"/workshops/\d+/projektor/\?position=2$"))
        expect(facilitator.get_by_role("heading", level=1)).to_have_text(case_b)
        slide_tags = facilitator.get_by_role("list", name="Pligter i spil")
        expect(slide_tags.get_by_role("listitem")).to_have_text(["2. Sandhed", "3. Faglighed"])
        facilitator.screenshot(path=artifacts / "projector-1366.png", full_page=True)

        # 6. The facilitator closes the workshop.
        facilitator.get_by_role("link", name="Til oversigten").click()
        facilitator.get_by_role("link", name="Luk workshoppen").click()
        expect(facilitator.get_by_role("heading", level=1)).to_have_text("Luk workshoppen?")
        facilitator.get_by_role("button", name="Ja, luk workshoppen").click()
        expect(
            facilitator.get_by_text("Workshoppen er lukket. Alt er skrivebeskyttet.")
        ).to_be_visible()

        # 7. The participants' pages turn read-only, and the server refuses edits.
        for participant_page in (page_a, page_b):
            # The group page polls and reloads itself when the phase changes.
            expect(participant_page.locator(".phase-banner")).to_contain_text(
                "Workshoppen er lukket", timeout=LIVE_TIMEOUT
            )
            expect(participant_page.get_by_label("Hvad talte I om?")).to_have_count(0)
            expect(participant_page.locator("#tags button")).to_have_count(0)
        expect(page_a.locator(".notes .prose")).to_contain_text("Og om at spørge juristen.")
        expect(page_a.locator("#tags .toggle.on")).to_have_text(["✔ 1. Lovlighed"])
        expect(page_b.locator("#tags .toggle.on")).to_have_text(["✔ 2. Sandhed", "✔ 3. Faglighed"])

        faglighed = workshop.codex.points.get(number=3)
        refused = page_a.request.post(
            tag_url_a,
            form={"csrfmiddlewaretoken": token_a, "point": str(faglighed.pk)},
            headers={"X-CSRFToken": token_a},
        )
        assert refused.status == 403
        assert "Workshoppen er lukket" in refused.text()

        workshop.refresh_from_db()
        assert workshop.phase == Phase.CLOSED
        group_1, group_2 = Group.objects.filter(workshop=workshop).order_by("position")
        assert (group_1.name, group_1.case.title, group_1.notes) == ("Gruppe 1", case_a, notes_a)
        assert (group_2.name, group_2.case.title, group_2.notes) == ("Gruppe 2", case_b, notes_b)
        assert [str(point) for point in group_1.tags.order_by("number")] == ["1. Lovlighed"]
        assert [str(point) for point in group_2.tags.order_by("number")] == [
            "2. Sandhed",
            "3. Faglighed",
        ]
        assert list(group_1.participants.values_list("display_name", flat=True)) == ["Anna"]
        csp = [text for text in console_errors if "Content Security Policy" in text]
        assert csp == []
    finally:
        for context in contexts:
            context.close()


def test_the_browser_reports_what_the_csp_blocks(page, live_server, content):
    """The console check above can fail: an inline script on our pages is refused."""
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(f"{live_server.url}/deltag/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    assert page.evaluate("window.injected") is None
    expect(page.locator("body")).to_be_visible()
    assert any("Content Security Policy" in text for text in errors), errors


def test_the_form_sent_twice_at_once_makes_one_workshop(new_page, live_server, alice, content):
    """What a double click or an impatient second tap sends: the same form twice, the second
    before the first is answered."""
    facilitator = new_page(LAPTOP)
    log_in(facilitator, live_server.url, "alice", "alice-password")
    facilitator.goto(f"{live_server.url}/workshops/ny/?format=onboarding")
    facilitator.get_by_label("Titel", exact=True).fill("Dobbeltklik")
    duties = facilitator.get_by_role("group", name="Cases at vælge imellem")
    duties.get_by_label("cases – 1. Lovlighed").check()
    landed = facilitator.evaluate(
        """async () => {
            const form = document.querySelector("form.stacked-form");
            const send = () => fetch(form.action || location.href, {
                method: "POST", body: new FormData(form), redirect: "follow",
            });
            const answers = await Promise.all([send(), send()]);
            return answers.map(answer => new URL(answer.url).pathname);
        }"""
    )
    workshop = Workshop.objects.get(title="Dobbeltklik")
    assert landed == [workshop.get_absolute_url()] * 2
    facilitator.get_by_role("button", name="Opret workshop").click()
    facilitator.wait_for_url(re.compile(r"/workshops/\d+/$"))
    assert Workshop.objects.filter(title="Dobbeltklik").count() == 1


@pytest.mark.parametrize(
    ("format", "on_the_phone"),
    [
        ("onboarding", "Vælg en case"),
        ("sparring", "Skriv jeres eget dilemma"),
        ("lederteam", "Vælg en case"),
        ("custom", "Vælg en case"),
    ],
)
def test_each_format_runs_from_its_defaults(
    new_page, live_server, alice, content, format, on_the_phone
):
    facilitator = new_page(LAPTOP)
    log_in(facilitator, live_server.url, "alice", "alice-password")
    facilitator.goto(f"{live_server.url}/workshops/ny/?format={format}")
    facilitator.get_by_role("button", name="Opret workshop").click()
    facilitator.wait_for_url(re.compile(r"/workshops/\d+/$"))
    workshop = Workshop.objects.get()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(workshop.title)
    assert workshop.format == format
    facilitator.get_by_role("button", name="Drøftelse").click()
    phone = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    expect(phone.get_by_role("heading", name=on_the_phone)).to_be_visible()
    if format == "sparring":
        expect(phone.locator(".phase-banner")).to_have_text(
            "Drøft jeres dilemma, skriv noter og tag pligterne."
        )
        expect(phone.get_by_label("Overskrift")).to_be_visible()  # open, not folded away
    else:
        chosen = phone.locator(".pool-case .case-title").first.inner_text()
        phone.locator(".pool-case").first.click()
        expect(phone.locator("#dilemma-heading")).to_contain_text(chosen)
