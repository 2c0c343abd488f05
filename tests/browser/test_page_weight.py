"""What a visitor downloads, page by page, served as in production (gunicorn, DEBUG off)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, log_in
from tests.servers import production_server

MAX_BYTES = 60 * 1024
MAX_REQUESTS = 5
LAPTOP = {"width": 1366, "height": 900}
HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.(css|js)$")

MAKE_WORKSHOP = """
import datetime
from cases.models import Case
from kodeks.models import Organisation, User
from workshops import domain
from workshops.models import Phase
organisation = Organisation.objects.create(name="Vejle Kommune", slug="vejle")
user = User.objects.create_user(
    "vera", password="vera-password", organisation=organisation, role="facilitator"
)
User.objects.create_user("henrik", password="henrik-password", organisation=organisation, role="hr")
pool = list(Case.objects.public().filter(codex__slug="kl-2024", listed_under__number__in=[1, 2]))
def make(title):
    return domain.create_workshop(
        user, title=title, format="onboarding", date=datetime.date.today(),
        group_names=["Gruppe 1", "Gruppe 2"], pool=pool, own_dilemmas=True,
    )
held = make("Afholdt")
domain.choose_case(held.groups.first(), case=pool[0])
domain.set_phase(held, phase=Phase.CLOSED)
print(make("Introforløb").join_code, held.pk)
"""


def first_load(page, url: str, server_url: str) -> list[dict]:
    """Open the page with an empty cache; every request it made, with what it transferred."""
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    finished = []

    def collect(request) -> None:
        finished.append(request)

    page.on("requestfinished", collect)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", collect)
    measured = []
    for request in finished:
        sizes = request.sizes()
        response = request.response()
        measured.append(
            {
                "url": request.url.removeprefix(server_url),
                "transferred": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "encoding": response.headers.get("content-encoding", ""),
                "cache-control": response.headers.get("cache-control", ""),
            }
        )
    return measured


def summed(measured: list[dict]) -> dict:
    return {"requests": len(measured), "bytes": sum(item["transferred"] for item in measured)}


pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory, static_root):
    with production_server(tmp_path_factory.mktemp("production"), static_root=static_root) as app:
        yield app


def test_first_loads_are_small_and_static_files_cached_for_good(browser, server, artifacts):
    code, held = server.manage("shell", "--no-imports", "-c", MAKE_WORKSHOP).split()
    base = server.url
    results = {}
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    page = context.new_page()
    try:
        for kind, path in {"library": "/cases/", "case": "/cases/1/", "login": "/login/"}.items():
            results[kind] = first_load(page, base + path, base)
        results["join"] = first_load(page, f"{base}/deltag/{code}/", base)
        page.get_by_role("radio", name="Gruppe 1", exact=True).check()
        page.get_by_role("button", name="Gå til gruppen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gruppe 1")
        group = first_load(page, page.url, base)
        expect(page.locator("ul.pool button").first).to_be_visible()
        results["group page"] = group

        laptop = browser.new_context(viewport=LAPTOP, locale="da-DK")
        facilitator = laptop.new_page()
        log_in(facilitator, base, "vera", "vera-password")
        facilitator.goto(f"{base}/workshops/")
        dashboard_url = facilitator.get_by_role("link", name="Introforløb").get_attribute("href")
        results["dashboard"] = first_load(facilitator, base + dashboard_url, base)
        projector = dashboard_url + "projektor/"
        results["projector"] = first_load(facilitator, base + projector, base)
        summary = f"{base}/workshops/{held}/opsummering/"
        results["summary"] = first_load(facilitator, summary, base)
        laptop.close()
        laptop = browser.new_context(viewport=LAPTOP, locale="da-DK")
        hr = laptop.new_page()
        log_in(hr, base, "henrik", "henrik-password")
        results["report"] = first_load(hr, f"{base}/rapporter/", base)
        laptop.close()
    finally:
        context.close()

    (artifacts / "page-weight.json").write_text(
        json.dumps(
            {"totals": {kind: summed(items) for kind, items in results.items()}, **results},
            indent=2,
        )
    )
    assert summed(group)["requests"] <= MAX_REQUESTS, group
    assert summed(group)["bytes"] <= MAX_BYTES, group
    static = [item for items in results.values() for item in items if "/static/" in item["url"]]
    assert {item["url"].rsplit(".", 1)[-1] for item in static} == {"css", "js"}
    for item in static:
        assert HASHED.search(item["url"]), item
        assert item["encoding"] in {"br", "gzip"}, item
        assert "max-age=315360000" in item["cache-control"], item
        assert "immutable" in item["cache-control"], item
