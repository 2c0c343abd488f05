"""Every URL pattern against every outsider, by GET and POST: refused, or showing only their own.

A pattern the matrix does not know fails the test, so a new URL must be placed here first.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from openpyxl import load_workbook

from cases.models import Case
from kodeks.models import AuditEntry, User
from tests.factories import concrete, join, make_workshop, url_patterns
from workshops import domain
from workshops.models import Group, SharedText, WorkshopTemplate

HIDDEN_TITLE = "Hemmelig workshop i Aarhus"
HIDDEN_NOTES = "HEMMELIGE NOTER om borgmesteren"
HIDDEN_USER = "aarhus-hemmelig-bruger"

# Open to anyone by design: KL's public library, logging in and out, choosing a language, and
# joining with a code (the code is the secret; a closed workshop's code answers 404).
PUBLIC = {
    "home",
    "kodeks:codices",
    "kodeks:codex",
    "kodeks:point",
    "kodeks:guide",
    "cases:library",
    "cases:case",
    "login",
    "logout",
    "set_language",
    "accessibility",
    "accessibility-short-url",
    "workshops:join",
    "workshops:join-workshop",
    "admin:login",
    "admin:logout",
    # The one-time link is the secret; a wrong one answers that it does not work.
    "accept-invitation",
}
# Pages every signed-in actor of the right role has for their own organisation: they answer,
# but show nothing of Aarhus.
OWN_ORGANISATION_ONLY = {
    ("workshops:list", "facilitator of another organisation"),
    ("workshops:create", "facilitator of another organisation"),
    *(
        (name, "HR of another organisation")
        for name in (
            "workshops:report",
            "workshops:report-csv",
            "workshops:report-xlsx",
            "workshops:report-rows-csv",
        )
    ),
    # An organisation admin runs workshops, reads reports and keeps its own users and log.
    *(
        (name, "admin of another organisation")
        for name in (
            "workshops:list",
            "workshops:create",
            "workshops:report",
            "workshops:report-csv",
            "workshops:report-xlsx",
            "workshops:report-rows-csv",
            "organisation:users",
            "organisation:invite",
            "organisation:audit-log",
            "organisation:audit-log-csv",
        )
    ),
}
# Everything else: the workshops' pages and actions, and Django admin (staff only).
PROTECTED_NAMESPACES = {"workshops", "admin", "organisation"}

# A group's page and actions: a participant of the workshop is sent to their own group.
GROUP_PAGES = (
    "workshops:group",
    "workshops:choose-case",
    "workshops:own-dilemma",
    "workshops:save-",
    "workshops:revisions",
    "workshops:tag-point",
    "workshops:reveal-tags",
    "workshops:mark-done",
    "workshops:change-group",
)
ACTORS = [
    "anonymous",
    "participant of another group",
    "participant of another workshop",
    "facilitator of another organisation",
    "HR of another organisation",
    "admin of another organisation",
    "HR of the organisation, writing",
]


@pytest.fixture
def world(content, alice, charlie, hanne, olga, odder):
    workshop = make_workshop(alice, title=HIDDEN_TITLE, private_tagging=True)
    group1, group2 = workshop.groups.all()
    mette = join(workshop, group1, "Mette")
    domain.choose_case(group1, case=workshop.pool.first())
    domain.save_text(group1, SharedText.NOTES, text=HIDDEN_NOTES, version=0)
    other = make_workshop(alice, title="Andet forløb")
    make_workshop(charlie, title="Odders workshop")
    odders_admin = User.objects.create_user(
        "odders-admin", password="x", organisation=odder, role=User.Role.ADMIN
    )
    # Aarhus's own people and log, which no outsider may see or change.
    aarhus_user = User.objects.create_user(
        HIDDEN_USER, password="x", organisation=alice.organisation, role=User.Role.FACILITATOR
    )
    AuditEntry.objects.create(
        organisation=alice.organisation,
        actor=alice,
        actor_name="alice",
        action=AuditEntry.Action.WORKSHOP_CREATED,
        object_label=HIDDEN_TITLE,
    )
    clients = {"anonymous": Client()}
    clients["participant of another group"] = join(workshop, group2, "Jonas")
    own_group = group2.get_absolute_url()
    clients["participant of another workshop"] = join(other, other.groups.first(), "Sofie")
    for actor, user in (
        ("facilitator of another organisation", charlie),
        ("HR of another organisation", olga),
        ("admin of another organisation", odders_admin),
        ("HR of the organisation, writing", hanne),
    ):
        clients[actor] = Client()
        clients[actor].force_login(user)
    values = {
        "pk": workshop.pk,
        "group_pk": group1.pk,
        "code": workshop.join_code,
        "slug": "kl-2024",
        "number": 1,
        "guide": "forord",
        "content_type_id": ContentType.objects.get_for_model(Group).pk,
        "object_id": group1.pk,
        "id": alice.pk,
        "app_label": "cases",
        "url": "ukendt/",
        "segment": "noter",
        "user_pk": aarhus_user.pk,
        "uidb64": "MQ",
        "token": "ugyldig-token",
        "template_pk": WorkshopTemplate.objects.create(
            organisation=alice.organisation, name="S"
        ).pk,
    }
    case = Case.objects.public().first()
    form = {
        "text": "indbrud",
        "version": 1,
        "conclusion": "indbrud",
        "point": workshop.codex.points.first().pk,
        "case": case.pk,
        "own_title": "indbrud",
        "own_situation": "indbrud",
        "phase": "closed",
        "minutes": 5,
        "done": "on",
        "confirmed": "on",
        "group": group2.pk,
        "display_name": "indbrud",
        "title": "indbrud",
        "username": "indbrud",
        "role": "admin",
        "active": "0",
        "new_password1": "Indbrud-2026-kodeord",
        "new_password2": "Indbrud-2026-kodeord",
    }
    return {
        "workshop": workshop,
        "group": group1,
        "mette": mette,
        "clients": clients,
        "values": values,
        "form": form,
        "own_group": own_group,
    }


def refused(response) -> bool:
    if response.status_code in {403, 404, 405}:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith("/login/") or location.startswith("/admin/login/")
    )


def sent_to_own_group(response, own_group_url: str) -> bool:
    """A participant on another group's address is sent to their own group, seeing nothing
    of the other."""
    if response.status_code == 302:
        return response["Location"] == own_group_url
    return response.get("HX-Redirect") == own_group_url and HIDDEN_NOTES.encode() not in (
        response.content
    )


def shows_nothing_of_aarhus(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):  # a workbook
        workbook = load_workbook(io.BytesIO(body))
        body = repr([list(sheet.values) for sheet in workbook]).encode()
    return response.status_code == 200 and not any(
        hidden.encode() in body for hidden in (HIDDEN_TITLE, HIDDEN_USER)
    )


def test_every_url_pattern_refuses_every_outsider(world):
    workshop, group = world["workshop"], world["group"]
    patterns = list(url_patterns())
    unknown = [
        key
        for key, _route, namespace in patterns
        if key not in PUBLIC and namespace not in PROTECTED_NAMESPACES
    ]
    assert unknown == [], "place these URL patterns in the access matrix"

    checked = 0
    failures = []
    for key, route, _namespace in patterns:
        if key in PUBLIC:
            continue
        url = concrete(route, world["values"])
        for actor in ACTORS:
            client = world["clients"][actor]
            for method in ("get", "post"):
                if actor == "HR of the organisation, writing" and method == "get":
                    continue  # HR may read summaries; what it may not do is write
                response = getattr(client, method)(url, world["form"])
                checked += 1
                if (key, actor) in OWN_ORGANISATION_ONLY:
                    ok = shows_nothing_of_aarhus(response) or refused(response)
                elif actor == "participant of another group" and key.startswith(GROUP_PAGES):
                    ok = refused(response) or sent_to_own_group(response, world["own_group"])
                else:
                    ok = refused(response)
                if not ok:
                    failures.append((key, actor, method.upper(), response.status_code))
    assert failures == []

    # Nothing changed on the way.
    workshop.refresh_from_db()
    group.refresh_from_db()
    assert (workshop.phase, workshop.timer_ends_at) == ("intro", None)
    assert (group.notes, group.conclusion, group.done) == (HIDDEN_NOTES, "", False)
    assert not group.tags.exists()
    assert group.participants.count() == 1
    assert WorkshopTemplate.objects.filter(pk=world["values"]["template_pk"]).exists()
    hidden_user = User.objects.get(username=HIDDEN_USER)
    assert (hidden_user.role, hidden_user.is_active) == (User.Role.FACILITATOR, True)
    # An admin of another organisation invites into their own organisation only.
    assert not User.objects.filter(organisation=workshop.organisation, username="indbrud").exists()
    print(f"access matrix: {len(patterns) - len(PUBLIC)} patterns, {checked} requests")
    assert checked == (len(patterns) - len(PUBLIC)) * (2 * len(ACTORS) - 1)


def test_the_group_s_own_participant_is_let_in(world):
    """The matrix refuses for the right reason: the same URLs work for the insider."""
    mette, group = world["mette"], world["group"]
    assert mette.get(group.get_absolute_url()).status_code == 200
    response = mette.post(group.get_absolute_url() + "noter/", {"text": "Ny", "version": 1})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.notes == "Ny"


def test_the_workshop_s_facilitator_is_let_in(world, alice):
    """The projector's guide page is refused above for who asks, not for a guide not found."""
    client = Client()
    client.force_login(alice)
    url = concrete("workshops/<id:pk>/projektor/vejledning/<slug:guide>/", world["values"])
    response = client.get(url)
    assert response.status_code == 200
    assert '<h1 lang="da">Forord</h1>' in response.content.decode()


def test_view_on_site_does_not_give_away_join_codes(world, client, django_user_model, aarhus):
    """Django's "view on site" would redirect anyone to a group's URL, join code and all."""
    group = world["group"]
    url = f"/admin/r/{ContentType.objects.get_for_model(Group).pk}/{group.pk}/"
    assert world["clients"]["anonymous"].get(url)["Location"].startswith("/admin/login/")
    staff = django_user_model.objects.create_user("stine", is_staff=True, organisation=aarhus)
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 404
    assert world["workshop"].join_code not in response.get("Location", "")
