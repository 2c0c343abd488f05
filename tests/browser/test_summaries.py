"""A facilitator's summary and HR's report in a real browser, on screen and on paper."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP, locale="da-DK", accept_downloads=True)
    yield context.new_page()
    context.close()


def test_facilitator_reads_prints_and_downloads_the_summary(laptop, live_server, held, artifacts):
    page = laptop
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}{held.get_absolute_url()}")
    page.get_by_role("link", name="Se opsummeringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsummering: Introforløb november")
    matrix = page.locator("table.matrix")
    expect(matrix.locator("tbody tr").nth(0).locator("td.mark")).to_have_text(
        ["Xtagget", "ikke tagget", "Xtagget", *["ikke tagget"] * 4]
    )
    expect(matrix.locator("tfoot td")).to_have_text(["1", "0", "2", "0", "0", "0", "1", "4"])
    expect(page.locator("#gruppe-1")).to_contain_text("Spørg juristen først")
    expect(page.locator("#gruppe-2")).to_contain_text("Borgmesterens ønske")
    # The group agreed on 1 and 3; Jonas alone had tagged 2, which the group left out.
    expect(page.locator("#gruppe-1 tr.split")).to_have_count(1)
    expect(page.locator("#gruppe-1 tr.split")).to_contain_text("Sandhed")
    page.screenshot(path=artifacts / "summary-1366.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # On paper: the matrix first, then each group on a page of its own.
    page.emulate_media(media="print")
    printed = page.pdf(format="A4")
    (artifacts / "summary-print.pdf").write_bytes(printed)
    pages = [text.extract_text() for text in PdfReader(io.BytesIO(printed)).pages]
    assert len(pages) == 3
    assert "Hvad grupperne taggede" in pages[0]
    assert pages[1].lstrip().startswith("Gruppe 1")
    assert pages[2].lstrip().startswith("Gruppe 2")
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert re.fullmatch(r"workshop-\d+-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Spørg juristen først" in text


def test_hr_filters_the_report_and_downloads_its_rows(laptop, live_server, held, hanne, artifacts):
    page = laptop
    log_in(page, live_server.url, "hanne", "hanne-password")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Rapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Workshops1")
    expect(facts).to_contain_text("Deltagere3")
    figures = page.locator("table.figures").first
    expect(figures.get_by_role("row", name="3. Faglighed")).to_contain_text("2")
    bars = page.locator(".bar-chart .bar-row")
    expect(bars).to_have_count(7)
    # No label is cut short or runs into its bar.
    for row in bars.all():
        label, track = row.locator(".bar-label"), row.locator(".bar-track")
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert (
            label.bounding_box()["x"] + label.bounding_box()["width"] <= track.bounding_box()["x"]
        )
    page.screenshot(path=artifacts / "report-1366.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Format").select_option(label="Chef/direktør-sparring")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r"format=sparring"))
    expect(page.get_by_text("Ingen lukkede workshops i perioden.")).to_be_visible()

    page.get_by_label("Format").select_option(label="Onboarding")
    page.get_by_role("button", name="Vis").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Rækker (CSV)").click()
    assert download.value.suggested_filename == "kodeks-rapport-raekker.csv"
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3
    assert "Introforløb november" in rows[1]
    assert "Spørg" not in "".join(rows)

    page.get_by_role("link", name="Introforløb november").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsummering: Introforløb november")
