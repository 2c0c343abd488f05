"""Every form sent back with errors: each error is tied to its field, and focus goes to them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, log_in
from tests.factories import make_workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}

# Descriptions that point at nothing, and invalid fields no error describes (on the field or
# on the fieldset of its group of choices).
UNLINKED = """() => {
  const ids = element =>
    (element?.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
  const name = element => element.tagName.toLowerCase() + "#" + (element.id || element.name || "");
  const missing = [...document.querySelectorAll("[aria-describedby]")].flatMap(element =>
    ids(element).filter(id => !document.getElementById(id)).map(id => name(element) + " → " + id));
  const undescribed = [...document.querySelectorAll("[aria-invalid=true]")]
    .filter(element => ![element, element.closest("fieldset")].some(holder =>
      ids(holder).some(id => document.getElementById(id)?.classList.contains("field-error"))))
    .map(name);
  const summary = document.querySelector("[data-error-summary]");
  const deadLinks = [...(summary?.querySelectorAll("a") ?? [])]
    .filter(link => !document.getElementById(link.hash.slice(1))).map(link => link.hash);
  return {missing, undescribed, deadLinks,
          focused: summary ? document.activeElement === summary : null};
}"""


def check(page, results: dict, kind: str) -> None:
    """The page as it came back: errors shown, each linked, focus on the summary."""
    found = page.evaluate(UNLINKED)
    problems = {key: value for key, value in found.items() if value not in ([], None, True)}
    if not page.locator(".field-error, .error-summary").count():
        problems["shown"] = "no error on the page"
    results[kind] = problems


def submit(page, name: str) -> None:
    """Press the form's button and wait for the page the server sends back."""
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def set_value(page, selector: str, value: str) -> None:
    """A value the browser's own input would not let through (too long, not a date)."""
    page.locator(selector).evaluate(
        "(element, value) => { element.type = element.type === 'date' ? 'text' : element.type;"
        " element.removeAttribute('maxlength'); element.value = value; }",
        value,
    )


def test_errors_are_linked_to_their_fields_on_every_form(
    new_page, live_server, content, alice, hanne
):
    base = live_server.url
    results: dict = {}
    workshop = make_workshop(alice, title="Fejlworkshop")
    staff = new_page(LAPTOP)

    staff.goto(f"{base}/login/")
    submit(staff, "Log ind")
    check(staff, results, "login, empty")
    staff.get_by_label("Brugernavn").fill("alice")
    staff.get_by_label("Adgangskode").fill("forkert")
    submit(staff, "Log ind")
    check(staff, results, "login, wrong password")
    log_in(staff, base, "alice", "alice-password")

    staff.goto(f"{base}/workshops/ny/?format=onboarding")
    staff.get_by_label("Titel", exact=True).fill("")
    staff.get_by_label("Grupper", exact=True).fill("")
    submit(staff, "Opret workshop")
    check(staff, results, "new workshop, empty")
    set_value(staff, "#id_title", "x" * 201)
    set_value(staff, "#id_date", "31-31-2026")
    staff.get_by_label("Grupper", exact=True).fill("A\nA")
    submit(staff, "Opret workshop")
    check(staff, results, "new workshop, bad values")

    staff.goto(f"{base}/workshops/{workshop.pk}/rediger/")
    staff.get_by_label("Titel", exact=True).fill("")
    staff.get_by_label("Navn på gruppe 1").fill("")
    submit(staff, "Gem ændringerne")
    check(staff, results, "edit workshop, empty")
    staff.get_by_label("Titel", exact=True).fill("Fejlworkshop")
    staff.get_by_label("Navn på gruppe 1").fill("Samme")
    staff.get_by_label("Navn på gruppe 2").fill("Samme")
    set_value(staff, "#id_date", "i morgen")
    submit(staff, "Gem ændringerne")
    check(staff, results, "edit workshop, bad values")

    staff.goto(f"{base}{workshop.get_absolute_url()}")
    staff.get_by_label("Timer (minutter)").fill("")
    submit(staff, "Start timer")
    check(staff, results, "timer, empty")
    staff.locator(".timer-form").evaluate("form => { form.noValidate = true }")
    staff.get_by_label("Timer (minutter)").fill("999")
    submit(staff, "Start timer")
    check(staff, results, "timer, bad value")

    hr = new_page(LAPTOP)
    log_in(hr, base, "hanne", "hanne-password")
    hr.goto(f"{base}/rapporter/?fra=bad")
    check(hr, results, "report, bad date")
    hr.goto(f"{base}/rapporter/?fra=2026-05-01&til=2026-04-01&format=nope&serie=x")
    check(hr, results, "report, bad values")

    phone = new_page(PHONE)
    phone.goto(f"{base}/deltag/")
    submit(phone, "Deltag")
    check(phone, results, "join, empty")
    phone.get_by_label("Kode").fill("abc")
    submit(phone, "Deltag")
    check(phone, results, "join, bad code")

    phone.goto(f"{base}/deltag/{workshop.join_code}/")
    submit(phone, "Gå til gruppen")
    check(phone, results, "join workshop, no group")
    set_value(phone, "#id_display_name", "N" * 61)
    phone.get_by_role("radio", name="Gruppe 1", exact=True).check()
    submit(phone, "Gå til gruppen")
    check(phone, results, "join workshop, long name")
    phone.get_by_label("Dit navn (valgfrit)").fill("")
    phone.get_by_role("radio", name="Gruppe 1", exact=True).check()
    submit(phone, "Gå til gruppen")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gruppe 1")

    phone.get_by_text("Skriv jeres eget dilemma").click()
    submit(phone, "Brug dilemmaet")
    check(phone, results, "own dilemma, empty")
    set_value(phone, "#id_own_title", "T" * 201)
    phone.get_by_label("Beskriv dilemmaet").fill("En sag skal fremskyndes.")
    submit(phone, "Brug dilemmaet")
    check(phone, results, "own dilemma, too long a title")

    assert {kind: found for kind, found in results.items() if found} == {}
