"""axe-core's WCAG 2.1 A and AA rules on every kind of page, before and after htmx swaps."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.helpers import LIVE_TIMEOUT, NOTES_STATE, PHONE, axe_violations, log_in
from tests.factories import make_workshop
from workshops import domain
from workshops.models import Phase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}
PUBLIC_PAGES = {
    "home": "/",
    "codices": "/kodeks/",
    "codex": "/kodeks/kl-2024/",
    "leadership codex": "/kodeks/god-ledelse/",
    "duty": "/kodeks/kl-2024/1/",
    "guide": "/kodeks/kl-2024/vejledning/det-lokale-arbejde-med-kodeks/",
    "library": "/cases/",
    "library filtered": "/cases/?pligt=3&q=skole",
    "library bad filter": "/cases/?pligt=99",
    "login": "/login/",
    "join": "/deltag/",
    "accessibility statement": "/tilgaengelighed/",
    "not found": "/findes-ikke/",
}


def record(results: dict, kind: str, page, axe_source: str) -> None:
    results[kind] = axe_violations(page, axe_source)


def assert_clean(results: dict, artifacts, name: str) -> None:
    (artifacts / f"axe-{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    failing = {kind: found for kind, found in results.items() if found}
    assert failing == {}, json.dumps(failing, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("language", ["da", "en"])
def test_public_pages_pass_axe(browser, live_server, content, axe_source, artifacts, language):
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    results = {}
    try:
        case = Case.objects.public().get(codex__slug="kl-2024", number=4)
        for kind, path in {**PUBLIC_PAGES, "case": f"/cases/{case.pk}/"}.items():
            page.goto(live_server.url + path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            record(results, kind, page, axe_source)
        page.goto(live_server.url + "/deltag/")
        page.get_by_role("button", name="Deltag" if language == "da" else "Join").click()
        expect(page.locator(".field-error")).to_be_visible()
        record(results, "join with an error", page, axe_source)
        page.goto(live_server.url + "/cases/")
        page.locator(".filters a").nth(2).click()  # an htmx swap of the results
        expect(page).to_have_url(f"{live_server.url}/cases/?pligt=2")
        record(results, "library after an htmx swap", page, axe_source)
    finally:
        context.close()
    assert_clean(results, artifacts, f"public-{language}")


def test_workshop_pages_pass_axe(
    new_page, live_server, content, alice, hanne, axe_source, artifacts
):
    base = live_server.url
    results = {}
    facilitator = new_page(LAPTOP)
    log_in(facilitator, base, "alice", "alice-password")
    facilitator.goto(f"{base}/workshops/ny/?format=onboarding")
    record(results, "new workshop form", facilitator, axe_source)
    facilitator.get_by_label("Titel", exact=True).fill("")
    facilitator.get_by_role("button", name="Opret workshop").click()
    expect(facilitator.locator(".field-error").first).to_be_visible()
    record(results, "new workshop form with errors", facilitator, axe_source)

    workshop = make_workshop(alice, title="Tilgængelig workshop", private_tagging=False)
    facilitator.goto(f"{base}/workshops/")
    record(results, "workshop list", facilitator, axe_source)
    facilitator.goto(f"{base}{workshop.get_absolute_url()}")
    record(results, "dashboard", facilitator, axe_source)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/projektor/")
    record(results, "projector (duties)", facilitator, axe_source)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/projektor/deltag/")
    record(results, "projector join screen", facilitator, axe_source)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/projektor/vejledning/forord/")
    record(results, "projector guide page", facilitator, axe_source)

    participant = new_page(PHONE)
    participant.goto(f"{base}/deltag/{workshop.join_code}/")
    record(results, "choose a group", participant, axe_source)
    participant.get_by_role("radio", name="Gruppe 1", exact=True).check()
    participant.get_by_role("button", name="Gå til gruppen").click()
    record(results, "group page (pool)", participant, axe_source)
    participant.locator("ul.pool button").first.click()
    expect(participant.locator("#dilemma-heading")).not_to_have_text("Vælg en case")
    record(results, "group page (case)", participant, axe_source)
    participant.get_by_label("Hvad talte I om?").fill("Vi talte om loyalitet.")
    expect(participant.locator(NOTES_STATE)).to_contain_text("Gemt")
    record(results, "group page after autosave", participant, axe_source)
    participant.get_by_role("button", name="1. Lovlighed", exact=True).click()
    expect(participant.get_by_role("button", name="1. Lovlighed", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    record(results, "group page after tagging", participant, axe_source)
    group_url = participant.url.split("#")[0]
    participant.goto(group_url + "versioner/noter/")
    expect(participant.get_by_role("heading", level=1)).to_contain_text("Tidligere versioner")
    record(results, "earlier versions of the notes", participant, axe_source)
    participant.goto(group_url)

    facilitator.goto(f"{base}{workshop.get_absolute_url()}")
    participant.get_by_role("button", name="3. Faglighed", exact=True).click()
    expect(facilitator.locator("#group-1")).to_contain_text("3. Faglighed", timeout=LIVE_TIMEOUT)
    record(results, "dashboard after a poll", facilitator, axe_source)

    domain.set_phase(workshop, phase=Phase.PLENARY)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/projektor/?position=1")
    record(results, "projector (plenary)", facilitator, axe_source)

    facilitator.goto(f"{base}/workshops/{workshop.pk}/luk/")
    record(results, "close confirmation", facilitator, axe_source)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/slet/")
    record(results, "delete confirmation", facilitator, axe_source)
    domain.set_phase(workshop, phase=Phase.CLOSED)
    facilitator.goto(f"{base}{workshop.get_absolute_url()}")
    record(results, "dashboard (closed, can reopen)", facilitator, axe_source)
    participant.reload()
    record(results, "group page (closed)", participant, axe_source)
    facilitator.goto(f"{base}/workshops/{workshop.pk}/opsummering/")
    record(results, "summary", facilitator, axe_source)

    hr = new_page(LAPTOP)
    log_in(hr, base, "hanne", "hanne-password")
    hr.goto(f"{base}/rapporter/")
    record(results, "report", hr, axe_source)
    hr.goto(f"{base}/rapporter/?fra=2026-05-01&til=2026-04-01")
    record(results, "report with errors", hr, axe_source)
    assert_clean(results, artifacts, "workshop")


def test_axe_finds_what_it_should(page, axe_source):
    """The check above can fail: a page with a nameless button and low contrast does."""
    page.set_content(
        '<html lang="da"><body><main><h1>Prøve</h1><button></button>'
        '<p style="color:#bbb;background:#fff">Svag tekst</p></main></body></html>'
    )
    found = " ".join(axe_violations(page, axe_source))
    assert "button-name" in found
    assert "color-contrast" in found
