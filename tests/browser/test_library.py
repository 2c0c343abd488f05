"""The library in a real browser: htmx filtering, search and paper copies of cases."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from kodeks.models import Codex

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_filter_and_search_update_in_place(page, live_server, content, artifacts):
    page.goto(f"{live_server.url}/cases/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="6. Åbenhed om fejl").click()
    page.wait_for_url(re.compile(r"/cases/\?pligt=6$"))
    results = page.locator(".case-title")
    expect(results).to_have_count(4)
    assert results.all_inner_texts()[0] == "Den fejlagtige lovfortolkning"
    page.get_by_label("Søg i cases").fill("IT-PROJEKT")
    expect(results).to_have_text(["Det forsinkede IT-projekt"])
    assert page.evaluate("window.notReloaded") is True
    assert "q=IT-PROJEKT" in page.url
    assert "pligt=6" in page.url
    assert page.get_by_role("status").inner_text().startswith("1 case fundet")


def test_filters_work_without_javascript(browser, live_server, content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="2. Sandhed").click()
    assert page.url.endswith("/cases/?pligt=2")
    expect(page.locator(".case-title")).to_have_count(6)
    page.get_by_label("Søg i cases").fill("borgmester")
    page.get_by_role("button", name="Søg").click()
    page.wait_for_url(re.compile(r"q=borgmester"))
    assert "pligt=2" in page.url
    expect(page.locator(".case-title")).to_have_count(2)
    context.close()


def test_library_on_a_phone(browser, live_server, content, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/cases/")
    page.screenshot(path=artifacts / "library-390.png", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    case = Case.objects.get_by_natural_key(Codex.DUTIES, 4)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.screenshot(path=artifacts / "case-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_home_and_duty_pages(page, live_server, content, artifacts):
    page.goto(live_server.url)
    page.screenshot(path=artifacts / "home-1280.png", full_page=True)
    page.get_by_role("link", name="3 Faglighed").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Faglighed"
    page.screenshot(path=artifacts / "duty-1280.png", full_page=True)


def test_every_case_prints_on_one_a4_page(page, live_server, content, artifacts):
    page.emulate_media(media="print")
    counts = {}
    for case in Case.objects.public():
        page.goto(f"{live_server.url}{case.get_absolute_url()}")
        pdf = page.pdf(format="A4")
        counts[str(case)] = pdf_page_count(pdf)
        if case.number == 4 and case.codex.slug == Codex.DUTIES:
            (artifacts / "case-4-print.pdf").write_bytes(pdf)
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
