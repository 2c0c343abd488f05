"""What tests build: workshops, participants' browsers, and small readers of what came back.

Each helper does exactly what its name says, through the same functions the app uses.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Case
from kodeks.models import Codex, Point
from workshops import domain
from workshops.models import Format, Group, Participant, Workshop
from workshops.views.access import joined_workshops

HTMX = {"HX-Request": "true"}
NOTES = "Vi talte om, hvem der skal vide hvad.\n- Spørg juristen først\n=SUM(A1:A2)"
CONCLUSION = "Vi ville sige det højt på mødet <b>med det samme</b>."
DUTY_TITLES = [
    "Lovlighed",
    "Sandhed",
    "Faglighed",
    "Udvikling og samarbejde",
    "Ansvar og ledelse",
    "Åbenhed om fejl",
    "Partipolitisk neutralitet",
]


def make_workshop(
    facilitator, *, title: str = "Introforløb", groups: int = 2, **options
) -> Workshop:
    """A workshop of the facilitator's, by default onboarding with the cases of duties 1–2."""
    return domain.create_workshop(
        facilitator,
        title=title,
        format=options.pop("format", Format.ONBOARDING),
        date=options.pop("date", datetime.date(2026, 11, 25)),
        group_names=domain.default_group_names(groups),
        pool=options.pop(
            "pool",
            list(
                Case.objects.public().filter(
                    listed_under__number__in=[1, 2], codex__slug=Codex.DUTIES
                )
            ),
        ),
        own_dilemmas=options.pop("own_dilemmas", True),
        **options,
    )


def join(workshop: Workshop, group: Group, name: str = "") -> Client:
    """A participant's browser that has joined the group."""
    client = Client()
    response = client.post(
        f"/deltag/{workshop.join_code}/", {"group": group.pk, "display_name": name}
    )
    assert response.status_code == 302
    return client


def participant_of(client: Client, workshop: Workshop) -> Participant:
    """The participant the browser is in the workshop, as its cookie says."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return Participant.objects.get(pk=joined_workshops(request)[workshop.pk])


def duty(number: int) -> Point:
    return Point.objects.get_by_natural_key(Codex.DUTIES, number)


def copy_case(case: Case, count: int) -> None:
    """Save `count` more copies of the case, to measure a page at a larger size."""
    for n in range(count):
        Case.objects.create(
            codex=case.codex,
            organisation=case.organisation,
            title=f"{case.title} ({n + 2})",
            situation=case.situation,
            listed_under=case.listed_under,
        )


def count_queries(client: Client, url: str, **options) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **options)
    assert response.status_code == 200
    return len(queries)


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def kept_out_of(response, group: Group) -> bool:
    """The visitor was refused the group: 404, or, for a participant of another group of the
    workshop, sent to their own group (by a redirect, or told so when a script saved)."""
    if response.status_code == 404:
        return True
    if response.status_code == 409:
        elsewhere = response.json().get("moved_to", "")
    else:
        elsewhere = response.get("Location") or response.get("HX-Redirect") or ""
    return "/gruppe/" in elsewhere and elsewhere != group.get_absolute_url()


# Every URL pattern of the site ----------------------------------------------------------------

CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_patterns(patterns=None, namespace=None, prefix=""):
    """(name, route, namespace) of every URL pattern the site has."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(
                pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern)
            )
        else:
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield key or route, route, namespace


def concrete(route: str, values: dict) -> str:
    """The route as an address, each of its parts filled in from `values` by name."""

    def fill(match):
        name = match.group(1) or match.group(2)
        return str(values[name])

    return "/" + CONVERTER.sub(fill, route).replace("^", "").replace("$", "")
