"""What a participant's phone downloads for the group page, served as in production."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_workshop_flow import PHONE
from tests.servers import production_server

MAX_BYTES = 60 * 1024
MAX_REQUESTS = 5
HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.(css|js)$")

MAKE_WORKSHOP = """
import datetime
from cases.models import Case
from kodeks.models import Organisation, User
from workshops import domain
organisation = Organisation.objects.create(name="Vejle Kommune", slug="vejle")
user = User.objects.create_user("vera", organisation=organisation, role="facilitator")
pool = list(Case.objects.public().filter(codex__slug="kl-2024", listed_under__number__in=[1, 2]))
workshop = domain.create_workshop(
    user, title="Introforløb", format="onboarding", date=datetime.date.today(),
    group_names=["Gruppe 1", "Gruppe 2"], pool=pool, own_dilemmas=True,
)
print(workshop.join_code)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("production")) as server:
        yield server


def test_group_page_first_load_is_small(browser, server, artifacts):
    code = server.manage("shell", "--no-imports", "-c", MAKE_WORKSHOP).strip()
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/deltag/{code}/")
        page.get_by_role("radio", name="Gruppe 1", exact=True).check()
        page.get_by_role("button", name="Gå til gruppen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gruppe 1")
        group_url = page.url

        # A first visit: nothing in the browser's cache.
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto(group_url, wait_until="networkidle")
        expect(page.locator("ul.pool button").first).to_be_visible()
        page.wait_for_timeout(500)  # before the first poll

        measured = []
        for request in responses:
            sizes = request.sizes()
            response = request.response()
            measured.append(
                {
                    "url": request.url.removeprefix(server.url),
                    "status": response.status,
                    "transferred": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                    "encoding": response.headers.get("content-encoding", ""),
                    "cache-control": response.headers.get("cache-control", ""),
                }
            )
        total = sum(item["transferred"] for item in measured)
        (artifacts / "page-weight.json").write_text(
            json.dumps({"total": total, "requests": measured}, indent=2)
        )
        assert len(measured) <= MAX_REQUESTS, measured
        assert total <= MAX_BYTES, measured
        static = [item for item in measured if item["url"].startswith("/static/")]
        assert {item["url"].rsplit(".", 1)[-1] for item in static} == {"css", "js"}
        for item in static:
            assert HASHED.search(item["url"]), item
            assert item["encoding"] in {"br", "gzip"}, item
            assert "max-age=315360000" in item["cache-control"], item
            assert "immutable" in item["cache-control"], item
    finally:
        context.close()
