from __future__ import annotations

import datetime

import pytest
from django.test import Client

from cases.models import Case
from kodeks.models import Codex, Point
from workshops import domain
from workshops.models import Format, Group, Participant, Workshop


def make_workshop(
    facilitator, *, title: str = "Introforløb", groups: int = 2, **options
) -> Workshop:
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


@pytest.fixture
def workshop(content, alice) -> Workshop:
    """Alice's onboarding workshop with two groups and the cases of duties 1 and 2."""
    return make_workshop(alice)


@pytest.fixture
def group1(workshop) -> Group:
    return workshop.groups.get(position=1)


@pytest.fixture
def group2(workshop) -> Group:
    return workshop.groups.get(position=2)


@pytest.fixture
def mette(workshop, group1) -> Client:
    """A participant in group 1."""
    return join(workshop, group1, "Mette")


@pytest.fixture
def jonas(workshop, group2) -> Client:
    """A participant in group 2 of the same workshop."""
    return join(workshop, group2, "Jonas")


@pytest.fixture
def other_workshop(content, alice) -> Workshop:
    return make_workshop(alice, title="Andet forløb")


@pytest.fixture
def sofie(other_workshop) -> Client:
    """A participant of another workshop of the same organisation."""
    return join(other_workshop, other_workshop.groups.get(position=1), "Sofie")


def participant_of(client: Client, workshop: Workshop) -> Participant:
    return Participant.objects.get(pk=client.session["participants"][str(workshop.pk)])


NOTES = "Vi talte om, hvem der skal vide hvad.\n- Spørg juristen først\n=SUM(A1:A2)"
CONCLUSION = "Vi ville sige det højt på mødet <b>med det samme</b>."


def duty(number: int) -> Point:
    return Point.objects.get_by_natural_key(Codex.DUTIES, number)
