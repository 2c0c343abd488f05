"""What browser tests share: screen sizes, logging in, and axe's verdict on a page."""

from __future__ import annotations

from playwright.sync_api import expect

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LIVE_TIMEOUT = 10_000  # ms: the live views poll every 3 s
# Under the group's notes: "Gemt" once the server has the text.
NOTES_STATE = "form[data-shared-text=notes] [data-save-state]"


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name=f"Log ud ({username})")).to_be_visible()


def phone_in(new_page, base_url: str, workshop, group_name: str):
    """A phone of its own (a browser context) that joins the workshop's group by name."""
    page = new_page(PHONE)
    page.goto(f"{base_url}/deltag/{workshop.join_code}/")
    page.get_by_role("radio", name=group_name, exact=True).check()
    page.get_by_role("button", name="Gå til gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group_name)
    return page


def axe_violations(page, axe_source: str) -> list[str]:
    """The WCAG 2.1 A and AA violations axe finds on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP need not allow it.
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]
