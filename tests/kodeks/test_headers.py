"""Security headers on every kind of page: a strict CSP everywhere, no-store where notes are."""

from __future__ import annotations

import pytest

from cases.models import Case
from tests.factories import join, make_workshop
from workshops import domain
from workshops.models import Phase


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.fixture
def pages(client, alice, hanne, content):
    """Every kind of page, each fetched as someone allowed to see it."""
    workshop = make_workshop(alice)
    group = workshop.groups.first()
    mette = join(workshop, group, "Mette")
    held = make_workshop(alice, title="Afholdt")
    domain.set_phase(held, phase=Phase.CLOSED)
    case = Case.objects.public().first()
    anonymous = {
        "home": "/",
        "codices": "/kodeks/",
        "codex": "/kodeks/kl-2024/",
        "duty": "/kodeks/kl-2024/1/",
        "library": "/cases/",
        "case": case.get_absolute_url(),
        "login": "/login/",
        "join": "/deltag/",
        "accessibility": "/tilgaengelighed/",
        "not found": "/findes-ikke/",
    }
    responses = {kind: client.get(url) for kind, url in anonymous.items()}
    responses["choose group"] = mette.get(f"/deltag/{workshop.join_code}/", follow=False)
    responses["group page"] = mette.get(group.get_absolute_url())
    responses["group poll"] = mette.get(group.get_absolute_url(), headers={"HX-Request": "true"})
    client.force_login(alice)
    for kind, url in {
        "workshops": "/workshops/",
        "new workshop": "/workshops/ny/",
        "dashboard": workshop.get_absolute_url(),
        "projector": f"/workshops/{workshop.pk}/projektor/",
        "qr code": f"/workshops/{workshop.pk}/qr.svg",
        "summary": f"/workshops/{held.pk}/opsummering/",
        "summary csv": f"/workshops/{held.pk}/opsummering.csv",
        "summary xlsx": f"/workshops/{held.pk}/opsummering.xlsx",
        "summary pdf": f"/workshops/{held.pk}/opsummering.pdf",
    }.items():
        responses[kind] = client.get(url)
    client.force_login(hanne)
    for kind, url in {
        "report": "/rapporter/",
        "report csv": "/rapporter/rapport.csv",
        "report xlsx": "/rapporter/rapport.xlsx",
        "report rows": "/rapporter/raekker.csv",
        "forbidden": "/workshops/",
    }.items():
        responses[kind] = client.get(url)
    return responses


def test_every_page_kind_has_the_strict_csp(pages):
    assert len(pages) == 27
    for kind, response in pages.items():
        policy = directives(response)
        assert policy["default-src"] == "'self'", kind
        assert policy["frame-ancestors"] == "'none'", kind
        assert policy["object-src"] == "'none'", kind
        for source in ("script-src", "style-src"):
            assert policy[source] == "'self'", (kind, source)
        assert "unsafe" not in response["Content-Security-Policy"], kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["X-Frame-Options"] == "DENY", kind


def test_pages_with_notes_are_never_stored(pages):
    for kind in (
        "group page",
        "group poll",
        "summary",
        "summary csv",
        "summary xlsx",
        "summary pdf",
        "report",
        "report csv",
        "report xlsx",
        "report rows",
    ):
        assert "no-store" in pages[kind]["Cache-Control"], kind


def test_status_of_the_error_pages(pages):
    assert pages["not found"].status_code == 404
    assert pages["forbidden"].status_code == 403
