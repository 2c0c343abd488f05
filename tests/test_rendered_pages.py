"""Every page the site renders, in every phase of a workshop, as the person it is for sees it:
no template syntax reaches the page."""

from __future__ import annotations

import pytest
from django.test import Client

from cases.models import Case
from kodeks.models import User
from tests.factories import concrete, join, make_workshop, url_patterns
from workshops import domain
from workshops.models import Phase, SharedText

# What a template comment, tag or variable looks like when it is not rendered (a variable as
# the templates write it, with spaces: the group page carries JSON, whose "}}" is no leak).
TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}", "{{ ", " }}")
# Pages of a group, which its member sees.
GROUP_PAGES = ("workshops:group", "workshops:revisions")


@pytest.fixture
def site(content, alice, hanne, aarhus):
    workshop = make_workshop(alice, private_tagging=True)
    group = workshop.groups.first()
    member = join(workshop, group, "Mette")
    domain.choose_case(group, case=workshop.pool.first())
    domain.save_text(group, SharedText.NOTES, text="Noter fra gruppen", version=0)
    facilitator, hr, admin = Client(), Client(), Client()
    facilitator.force_login(alice)
    hr.force_login(hanne)
    admin.force_login(User.objects.create_user("ada", organisation=aarhus, role=User.Role.ADMIN))
    values = {
        "pk": workshop.pk,
        "group_pk": group.pk,
        "code": workshop.join_code,
        "slug": "kl-2024",
        "number": 1,
        "guide": "forord",
        "segment": "noter",
        "template_pk": domain.save_template(workshop, name="Fast opsætning").pk,
        "user_pk": alice.pk,
        "uidb64": "MQ",
        "token": "ugyldig",
    }
    return {
        "workshop": workshop,
        "values": values,
        "case_pk": Case.objects.public().first().pk,
        "clients": {
            "member": member,
            "facilitator": facilitator,
            "hr": hr,
            "admin": admin,
            "anyone": Client(),
        },
    }


def visitor(key: str) -> str:
    if key.startswith("organisation:"):
        return "admin"
    if key.startswith(GROUP_PAGES):
        return "member"
    if key.startswith("workshops:report"):
        return "hr"
    if key.startswith("workshops:") and not key.startswith("workshops:join"):
        return "facilitator"
    return "anyone"


def test_no_page_shows_template_syntax_in_any_phase(site):
    workshop = site["workshop"]
    pages = {}
    for phase in (Phase.INTRO, Phase.DISCUSSION, Phase.PLENARY, Phase.CLOSED):
        domain.set_phase(workshop, phase=phase)
        domain.set_timer(workshop, minutes=5)
        for key, route, namespace in url_patterns():
            if namespace == "admin":
                continue
            values = site["values"]
            if key == "cases:case":
                values = {**values, "pk": site["case_pk"]}
            url = concrete(route, values)
            response = site["clients"][visitor(key)].get(url, follow=True)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            html = response.content.decode()
            pages[(phase, key)] = [syntax for syntax in TEMPLATE_SYNTAX if syntax in html]
    leaks = {page: found for page, found in pages.items() if found}
    assert leaks == {}
    # The scan saw the pages it is about, in every phase.
    for key in ("workshops:dashboard", "workshops:group", "workshops:projector", "home"):
        assert all((phase, key) in pages for phase in Phase.values), key
    assert len(pages) >= 4 * 25
