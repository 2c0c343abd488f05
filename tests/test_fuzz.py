"""Random, oversized, Unicode, NUL and HTML input to every form and htmx endpoint.

Nothing may answer with a server error (the test client raises it), and whatever is stored
renders escaped.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kodeks.models import LoginFailure
from tests.factories import join, make_workshop
from workshops.models import Group, JoinAttempt

pytestmark = pytest.mark.slow

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "\x00",
    "a\x00b",
    "'; DROP TABLE workshops_group; --",
    '=HYPERLINK("http://x")',
    "\u202eevil\u202c",
    "🙂" * 50,
    "Æ" * 25_000,
    "-1",
    "0",
    "99999999999999999999",
    "2026-02-30",
    "",
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

GROUP_ACTIONS = {
    "case/": ["case"],
    "eget-dilemma/": ["own_title", "own_situation"],
    "noter/": ["notes", "version"],
    "konklusion/": ["conclusion"],
    "tag/": ["point", "on"],
    "privat-tag/": ["point", "on"],
    "faerdig/": ["done"],
}


@pytest.fixture
def world(content, alice):
    workshop = make_workshop(alice, private_tagging=True)
    group = workshop.groups.first()
    return {"workshop": workshop, "group": group, "mette": join(workshop, group, "Mette")}


def forget_throttles() -> None:
    """Each example starts unthrottled, so it reaches the form and the code behind it."""
    JoinAttempt.objects.all().delete()
    LoginFailure.objects.all().delete()


def assert_escaped(html: str, stored: str) -> None:
    if "<" in stored or '"' in stored:
        assert stored not in html


@FUZZ
@given(action=st.sampled_from(sorted(GROUP_ACTIONS)), data=st.data(), htmx=st.booleans())
def test_group_endpoints_survive_any_input(world, action, data, htmx):
    mette, group = world["mette"], world["group"]
    payload = {field: data.draw(values, label=field) for field in GROUP_ACTIONS[action]}
    headers = {"HX-Request": "true"} if htmx else {}
    response = mette.post(group.get_absolute_url() + action, payload, headers=headers)
    assert response.status_code in {200, 302, 400, 403, 409}
    stored = Group.objects.get(pk=group.pk)
    html = mette.get(group.get_absolute_url()).content.decode()
    for text in (stored.notes, stored.conclusion, stored.own_title, stored.own_situation):
        assert_escaped(html, text)


@FUZZ
@given(code=values, display_name=values, group=values)
def test_joining_survives_any_input(world, client, code, display_name, group):
    forget_throttles()
    assert client.post("/deltag/", {"code": code}).status_code in {200, 302}
    workshop = world["workshop"]
    response = client.post(
        f"/deltag/{workshop.join_code}/", {"display_name": display_name, "group": group}
    )
    assert response.status_code in {200, 302}


@FUZZ
@given(
    title=values,
    date=values,
    group_names=values,
    series_name=values,
    pool=st.lists(values, max_size=3),
    fmt=st.sampled_from(["onboarding", "sparring", "lederteam", "custom", "x\x00"]),
)
def test_facilitator_forms_survive_any_input(
    world, client, alice, title, date, group_names, series_name, pool, fmt
):
    client.force_login(alice)
    workshop = world["workshop"]
    response = client.post(
        f"/workshops/ny/?format={fmt}",
        {
            "title": title,
            "date": date,
            "group_names": group_names,
            "series_name": series_name,
            "pool_cases": pool,
            "pool_duties": pool,
            "focus_point": title,
        },
    )
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert_escaped(response.content.decode(), title)
    assert client.post(f"/workshops/{workshop.pk}/fase/", {"phase": title}).status_code == 302
    timer = client.post(f"/workshops/{workshop.pk}/timer/", {"action": "start", "minutes": date})
    assert timer.status_code in {302, 400}
    if timer.status_code == 400:
        html = timer.content.decode()
        assert "Vælg mellem 1 og 180 minutter." in html
        assert f'value="{escape(date)}"' in html  # kept, and escaped
    projector = client.get(f"/workshops/{workshop.pk}/projektor/", {"position": title})
    assert projector.status_code == 200


@FUZZ
@given(q=values, pligt=values, ledelse=values, fra=values, til=values, serie=values, side=values)
def test_search_and_report_filters_survive_any_input(
    world, client, hanne, q, pligt, ledelse, fra, til, serie, side
):
    library = client.get("/cases/", {"q": q, "pligt": pligt, "ledelse": ledelse})
    assert library.status_code == 200
    assert_escaped(library.content.decode(), q)
    client.force_login(hanne)
    filters = {"fra": fra, "til": til, "format": q, "serie": serie, "side": side}
    assert client.get("/rapporter/", filters).status_code in {200, 400}
    assert client.get("/rapporter/raekker.csv", filters).status_code in {200, 400}


@FUZZ
@given(username=values, password=values)
def test_login_survives_any_input(db, client, username, password):
    forget_throttles()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 200
    assert_escaped(response.content.decode(), username)
