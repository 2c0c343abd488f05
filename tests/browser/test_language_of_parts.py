"""With the English UI, the Danish codex content is marked Danish (WCAG 3.1.2)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from kodeks.models import Codex, GuidePage, Point
from tests.browser.helpers import PHONE, log_in
from tests.factories import make_workshop
from workshops import domain
from workshops.models import Phase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

# The text nodes in <main> that hold one of the texts, whose nearest lang inside <main> is
# not Danish (the page itself says lang="en").
NOT_MARKED_DANISH = """texts => {
  const main = document.querySelector("main");
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const wrong = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.trim();
    if (!text || !texts.some(piece => text.includes(piece))) continue;
    const marked = node.parentElement.closest("[lang]");
    if (!marked || !main.contains(marked) || marked.lang !== "da") wrong.push(text.slice(0, 60));
  }
  return wrong;
}"""


def in_english(page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def unmarked(page, texts: list[str]) -> list[str]:
    found = page.evaluate(NOT_MARKED_DANISH, texts)
    assert page.locator("html").get_attribute("lang") == "en"
    return found


def test_codex_content_is_marked_danish_in_the_english_ui(new_page, live_server, content, alice):
    base = live_server.url
    duties = list(Point.objects.filter(codex__slug=Codex.DUTIES).order_by("number"))
    duty_titles = [point.title for point in duties]
    case = Case.objects.public().get(codex__slug=Codex.DUTIES, number=4)
    case_texts = [case.title, case.situation.split("\n")[0][:40], *case.question_list[:1]]
    guide = GuidePage.objects.filter(codex__slug=Codex.DUTIES).first()
    found = {}

    page = new_page(PHONE)
    in_english(page, base)
    page.goto(base + "/cases/?pligt=2")
    titles = [case.title for case in Case.objects.public()]
    found["library"] = unmarked(page, titles + duty_titles)
    page.goto(base + case.get_absolute_url())
    found["case"] = unmarked(page, case_texts + duty_titles)
    page.goto(base + duties[0].get_absolute_url())
    found["duty"] = unmarked(page, [duties[0].text[:40], *duty_titles])
    page.goto(base + guide.get_absolute_url())
    found["guide"] = unmarked(page, [guide.title])

    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    domain.choose_case(group, case=workshop.pool.order_by("number").first())
    domain.set_tag(group, point=duties[0], on=True)
    chosen = workshop.pool.order_by("number").first()
    page.goto(f"{base}/deltag/{workshop.join_code}/")
    page.get_by_role("radio", name="Gruppe 1", exact=True).check()
    page.get_by_role("button", name="Go to the group").click()
    page.wait_for_url(f"**{group.get_absolute_url()}")
    found["group page"] = unmarked(
        page, [chosen.title, chosen.situation.split("\n")[0][:40], *duty_titles]
    )
    # The tags announcement is among what was looked at: its words are in <main>.
    expect(page.locator("#tags-announcer")).to_contain_text(duties[0].title)

    assert {kind: wrong for kind, wrong in found.items() if wrong} == {}


def test_codex_content_on_the_staff_pages_is_marked_danish(
    new_page, live_server, content, alice, hanne, held
):
    """The dashboard, read-along, projector, summary and report show case titles and duty
    names inside English words: each piece of codex content is marked Danish."""
    base = live_server.url
    duty_titles = list(
        Point.objects.filter(codex__slug=Codex.DUTIES)
        .order_by("number")
        .values_list("title", flat=True)
    )
    running = make_workshop(alice, title="Running")
    group = running.groups.get(position=1)
    chosen = running.pool.order_by("number").first()
    domain.choose_case(group, case=chosen)
    domain.set_tag(group, point=Point.objects.get(codex__slug=Codex.DUTIES, number=2), on=True)
    held_case = held.groups.get(position=1).case
    texts = [chosen.title, held_case.title, *duty_titles]
    found = {}

    page = new_page({"width": 1366, "height": 900})
    log_in(page, base, "alice", "alice-password")
    in_english(page, base)
    pages = {
        "dashboard": f"/workshops/{running.pk}/",
        "read-along": f"/workshops/{running.pk}/grupper/{group.pk}/",
        "projector, intro": f"/workshops/{running.pk}/projektor/",
        "summary": f"/workshops/{held.pk}/opsummering/",
    }
    for kind, path in pages.items():
        page.goto(base + path)
        found[kind] = unmarked(page, texts)
    domain.set_phase(running, phase=Phase.PLENARY)
    page.goto(f"{base}/workshops/{running.pk}/projektor/")
    found["projector, plenum"] = unmarked(page, texts)

    reader = new_page({"width": 1366, "height": 900})
    log_in(reader, base, "hanne", "hanne-password")
    in_english(reader, base)
    reader.goto(base + "/rapporter/")
    found["report"] = unmarked(reader, texts)

    assert {kind: wrong for kind, wrong in found.items() if wrong} == {}
