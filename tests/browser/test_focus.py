"""Focus that survives what the page does by itself: polls, filters and reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import LIVE_TIMEOUT, log_in, phone_in
from tests.factories import duty, join, make_workshop
from workshops import domain
from workshops.models import Phase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}
ACTIVE_ID = "() => document.activeElement && document.activeElement.id"


def test_a_dashboard_poll_leaves_focus_on_the_link(new_page, live_server, content, alice):
    workshop = make_workshop(alice)
    group1, group2 = workshop.groups.all()
    join(workshop, group1, "Mette")
    page = new_page(LAPTOP)
    log_in(page, live_server.url, "alice", "alice-password")
    page.goto(f"{live_server.url}{workshop.get_absolute_url()}")
    page.locator(f"#present-{group1.pk}").focus()

    domain.set_tag(group1, point=duty(1), on=True)
    expect(page.locator("#group-1")).to_contain_text("Lovlighed", timeout=LIVE_TIMEOUT)
    assert page.evaluate(ACTIVE_ID) == f"present-{group1.pk}"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_ID) == f"read-along-{group2.pk}"


def test_a_group_poll_leaves_focus_on_the_tag_button(new_page, live_server, content, alice):
    workshop = make_workshop(alice)
    group = workshop.groups.get(position=1)
    page = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    faglighed = page.get_by_role("button", name="3. Faglighed", exact=True)
    faglighed.focus()

    domain.set_tag(group, point=duty(1), on=True)
    expect(page.get_by_role("button", name="1. Lovlighed", exact=True)).to_have_attribute(
        "aria-pressed", "true", timeout=LIVE_TIMEOUT
    )
    assert page.evaluate(ACTIVE_ID) == f"tag-{duty(3).pk}"


def test_a_library_filter_keeps_focus_and_its_count(page, live_server, content):
    page.goto(f"{live_server.url}/cases/")
    count = page.locator("#result-count")
    count.evaluate("element => { element.dataset.kept = 'yes' }")
    page.get_by_role("link", name="3. Faglighed", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/\?pligt=3$"))
    expect(page.locator("#filter-pligt-3")).to_have_attribute("aria-current", "true")
    assert page.evaluate(ACTIVE_ID) == "filter-pligt-3"
    # The status region is the same element, outside the swapped results, with new words.
    expect(count).to_have_attribute("data-kept", "yes")
    expect(count).to_have_text(re.compile(r"^\d+ cases? fundet · Faglighed$"))
    assert count.evaluate("element => element.closest('#results') === null")
    assert count.get_attribute("role") == "status"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_ID) == "filter-pligt-4"


# Each stop of the Tab key: the focus ring's colour and what is behind it (the first
# background that is not transparent, from the element's parent up, or from the element itself
# when the ring is drawn inside it), as [r, g, b] of 0–255.
FOCUS_RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
  let holder = parseFloat(style.outlineOffset) < 0 ? element : element.parentElement;
  let behind = [255, 255, 255];
  for (; holder; holder = holder.parentElement) {
    const [r, g, b, a = 1] = rgb(getComputedStyle(holder).backgroundColor);
    if (a > 0) { behind = [r, g, b]; break; }
  }
  return {
    name: element.tagName.toLowerCase() + "#" + element.id + " "
      + element.textContent.trim().slice(0, 30),
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    ring: rgb(style.outlineColor).slice(0, 3), behind,
  };
}"""


def contrast(one: list[float], other: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        linear = [
            c / 255 / 12.92 if c <= 10.31 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def weak_focus_rings(page, most: int = 200) -> list[str]:
    """Tab through the page; every stop whose ring is missing or under 3:1 to what is behind."""
    weak, seen = [], set()
    page.locator("body").focus()
    for _ in range(most):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_RING)
        if stop["name"] in seen or stop["name"].startswith("body"):
            break
        seen.add(stop["name"])
        ratio = contrast(stop["ring"], stop["behind"])
        if stop["style"] == "none" or stop["width"] < 2 or ratio < 3:
            weak.append(f"{stop['name']}: {ratio:.2f}:1")
    assert len(seen) > 3
    return weak


def test_the_focus_ring_stands_out_wherever_it_appears(
    new_page, live_server, content, alice, artifacts
):
    base = live_server.url
    workshop = make_workshop(alice)
    weak = {}
    page = new_page(LAPTOP)
    for kind, path in {
        "home": "/",
        "duty": "/kodeks/kl-2024/1/",
        "library": "/cases/?pligt=2",
        "login": "/login/",
    }.items():
        page.goto(base + path)
        weak[kind] = weak_focus_rings(page)
    page.goto(base + "/")
    card = page.locator(".card").first
    card.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    box = card.bounding_box()
    page.screenshot(
        path=artifacts / "focus-ring-on-card.png",
        clip={
            "x": box["x"] - 12,
            "y": box["y"] - 12,
            "width": box["width"] + 24,
            "height": box["height"] + 24,
        },
    )
    log_in(page, base, "alice", "alice-password")
    page.goto(base + workshop.get_absolute_url())
    weak["dashboard"] = weak_focus_rings(page)
    phone = phone_in(new_page, base, workshop, "Gruppe 1")
    weak["group page"] = weak_focus_rings(phone)
    assert {kind: found for kind, found in weak.items() if found} == {}


def test_pressed_tag_buttons_show_in_forced_colours(
    new_page, live_server, content, alice, artifacts
):
    workshop = make_workshop(alice)
    domain.set_tag(workshop.groups.get(position=1), point=duty(3), on=True)
    page = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    page.emulate_media(forced_colors="active")
    pressed = page.get_by_role("button", name="3. Faglighed", exact=True)
    released = page.get_by_role("button", name="4. Udvikling og samarbejde", exact=True)
    expect(pressed).to_have_attribute("aria-pressed", "true")
    look = (
        "element => [getComputedStyle(element).backgroundColor,"
        " getComputedStyle(element, '::before').content]"
    )
    pressed_look, released_look = pressed.evaluate(look), released.evaluate(look)
    assert pressed_look[0] != released_look[0]
    assert "✔" in pressed_look[1] and "✔" not in released_look[1]
    page.locator("#tags").screenshot(path=artifacts / "tags-forced-colours.png")


def test_a_new_phase_reloads_the_group_page_with_focus_where_it_was(
    new_page, live_server, content, alice
):
    workshop = make_workshop(alice)
    page = phone_in(new_page, live_server.url, workshop, "Gruppe 1")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="3. Faglighed", exact=True).focus()

    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    page.wait_for_function("() => window.notReloaded === undefined", timeout=LIVE_TIMEOUT)
    expect(page.locator(".phase-banner")).to_contain_text("Drøft")
    page.wait_for_load_state()
    assert page.evaluate(ACTIVE_ID) == f"tag-{duty(3).pk}"
