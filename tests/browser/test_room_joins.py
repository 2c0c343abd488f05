"""A room on one municipal Wi-Fi joins: every phone comes from the same address, some mistype
the code first, and everyone gets in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE
from tests.factories import make_workshop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

PHONES = 60
MISTYPING = 15


def test_sixty_phones_behind_one_address_all_join(browser, live_server, content, alice):
    workshop = make_workshop(alice, groups=4)
    shown = workshop.display_code
    # One character off, wherever the code ends.
    wrong = shown[:-1] + ("Y" if shown.endswith("Z") else "Z")
    joined = 0
    for number in range(PHONES):
        context = browser.new_context(viewport=PHONE)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/deltag/")
            attempts = [wrong, wrong.lower()] if number < MISTYPING else []
            for code in [*attempts, shown]:
                page.get_by_label("Kode").fill(code)
                page.get_by_role("button", name="Deltag").click()
                if code != shown:
                    expect(page.get_by_role("main")).to_contain_text(
                        "Der er ingen åben workshop med den kode."
                    )
            group = f"Gruppe {number % 4 + 1}"
            page.get_by_role("radio", name=group, exact=True).check()
            page.get_by_role("button", name="Gå til gruppen").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(group)
            joined += 1
        finally:
            context.close()
    assert joined == PHONES
    assert workshop.participants.count() == PHONES
