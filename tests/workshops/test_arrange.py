"""Who is in which group: the facilitator deals people out or moves one; participants change
group themselves where the facilitator lets them."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import HTMX, duty, join, make_workshop, participant_of
from workshops import domain
from workshops.models import Participant, Phase, SharedText


@pytest.fixture
def facilitator(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def arrange_url(workshop) -> str:
    return reverse("workshops:arrange", args=[workshop.pk])


def sizes(workshop) -> list[int]:
    counts = Counter(workshop.participants.values_list("group__position", flat=True))
    return [counts[group.position] for group in workshop.groups.all()]


@pytest.mark.parametrize("how", ["even", "random"])
def test_twelve_participants_split_into_four_groups_of_three(facilitator, alice, content, how):
    workshop = make_workshop(alice, groups=4)
    first = workshop.groups.get(position=1)
    phones = [join(workshop, first) for _ in range(12)]
    response = facilitator.post(arrange_url(workshop), {"how": how})
    assert response.status_code == 302
    assert sizes(workshop) == [3, 3, 3, 3]
    page = facilitator.get(arrange_url(workshop)).content.decode()
    assert "Deltagerne er fordelt på grupperne." in page
    # Every phone goes to its new group on its next poll.
    moved = 0
    for phone in phones:
        group = participant_of(phone, workshop).group
        answer = phone.get(first.get_absolute_url(), headers=HTMX)
        if group != first:
            assert answer["HX-Redirect"] == group.get_absolute_url()
            moved += 1
    assert moved == 9


def test_an_even_split_keeps_the_order_people_joined_in(facilitator, alice, content):
    workshop = make_workshop(alice, groups=2)
    first = workshop.groups.get(position=1)
    for name in ["A", "B", "C", "D", "E"]:
        join(workshop, first, name)
    facilitator.post(arrange_url(workshop), {"how": "even"})
    by_group = {
        group.name: list(group.participants.order_by("joined_at").values_list("display_name"))
        for group in workshop.groups.all()
    }
    assert by_group == {"Gruppe 1": [("A",), ("C",), ("E",)], "Gruppe 2": [("B",), ("D",)]}


def test_a_moved_participant_follows_and_leaves_the_old_group_s_things_behind(
    facilitator, workshop, group1, group2, mette
):
    tagging = workshop
    tagging.private_tagging = True
    tagging.save()
    mette_participant = participant_of(mette, workshop)
    domain.set_private_tag(mette_participant, point=duty(1), on=True)
    domain.save_text(group1, SharedText.NOTES, text="Gruppe 1's noter", version=0)
    response = facilitator.post(
        arrange_url(workshop), {"participant": mette_participant.pk, "group": group2.pk}
    )
    assert response.status_code == 302
    page = facilitator.get(arrange_url(workshop)).content.decode()
    assert "Mette er flyttet til Gruppe 2." in page

    assert mette.get(group1.get_absolute_url(), headers=HTMX)["HX-Redirect"] == (
        group2.get_absolute_url()
    )
    html = mette.get(group2.get_absolute_url()).content.decode()
    assert "<h1>Gruppe 2</h1>" in html
    assert "Gruppe 1&#x27;s noter" not in html and "Gruppe 1's noter" not in html
    # Her own tags were for group 1's talk; group 1's notes stay there.
    assert not mette_participant.private_tags.exists()
    group1.refresh_from_db()
    assert group1.notes == "Gruppe 1's noter"
    # A save from the old page is not put in either group, and says why.
    answer = mette.post(
        group1.get_absolute_url() + "noter/",
        {"text": "Sent skrevet", "version": 1},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 409
    assert answer.json()["error"] == "Du er nu i Gruppe 2. Det, du skrev her, er ikke gemt."
    group1.refresh_from_db()
    group2.refresh_from_db()
    assert (group1.notes, group2.notes) == ("Gruppe 1's noter", "")


def test_the_dashboard_counts_follow_a_move(facilitator, workshop, group1, group2, mette):
    facilitator.get(reverse("workshops:dashboard", args=[workshop.pk]))
    before = facilitator.get(reverse("workshops:dashboard", args=[workshop.pk]), headers=HTMX)
    domain.move_participant(participant_of(mette, workshop), group2)
    after = facilitator.get(
        reverse("workshops:dashboard", args=[workshop.pk]),
        headers={**HTMX, "If-None-Match": before["ETag"]},
    )
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


@pytest.mark.parametrize(
    "data",
    [
        {"participant": 10**20, "group": 1},
        {"participant": "x", "group": "y"},
        {},
        {"how": "sideways"},
    ],
)
def test_bad_arrangements_are_refused_with_a_reason(facilitator, workshop, mette, group1, data):
    response = facilitator.post(arrange_url(workshop), data)
    assert response.status_code == 400
    assert participant_of(mette, workshop).group == group1


def test_someone_of_another_workshop_cannot_be_moved_here(
    facilitator, workshop, group2, sofie, other_workshop
):
    stranger = participant_of(sofie, other_workshop)
    response = facilitator.post(
        arrange_url(workshop), {"participant": stranger.pk, "group": group2.pk}
    )
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.group.workshop == other_workshop


def test_nothing_is_arranged_in_a_closed_workshop(facilitator, workshop, mette, group1, group2):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    mette_participant = participant_of(mette, workshop)
    facilitator.post(
        arrange_url(workshop), {"participant": mette_participant.pk, "group": group2.pk}
    )
    assert participant_of(mette, workshop).group == group1


@pytest.mark.parametrize("who", ["charlie", "hanne"])
def test_outsiders_cannot_arrange(request, workshop, mette, group1, group2, who):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    mette_participant = participant_of(mette, workshop)
    assert client.get(arrange_url(workshop)).status_code in {403, 404}
    response = client.post(
        arrange_url(workshop), {"participant": mette_participant.pk, "group": group2.pk}
    )
    assert response.status_code in {403, 404}
    assert b"Mette" not in response.content
    assert participant_of(mette, workshop).group == group1


def test_names_are_shown_to_the_facilitator_on_the_arrange_page(facilitator, workshop, mette):
    html = facilitator.get(arrange_url(workshop)).content.decode()
    assert "Mette" in html


# Changing group oneself ----------------------------------------------------------------------


def change_url(group) -> str:
    return group.get_absolute_url() + "skift-gruppe/"


def test_a_participant_changes_group_where_allowed(workshop, group1, group2, mette):
    workshop.group_change_open = True
    workshop.save()
    page = mette.get(group1.get_absolute_url()).content.decode()
    assert "Skift gruppe" in page
    response = mette.post(change_url(group1), {"group": group2.pk})
    assert response["Location"] == group2.get_absolute_url()
    assert participant_of(mette, workshop).group == group2
    assert group1.participants.count() == 0


def test_changing_group_is_refused_where_the_facilitator_arranges(workshop, group1, group2, mette):
    assert "Skift gruppe" not in mette.get(group1.get_absolute_url()).content.decode()
    response = mette.post(change_url(group1), {"group": group2.pk})
    assert response.status_code == 403
    assert "Facilitatoren fordeler grupperne i denne workshop." in response.content.decode()
    assert participant_of(mette, workshop).group == group1


def test_changing_to_another_workshop_s_group_is_refused(workshop, group1, mette, other_workshop):
    workshop.group_change_open = True
    workshop.save()
    foreign = other_workshop.groups.first()
    response = mette.post(change_url(group1), {"group": foreign.pk})
    assert response.status_code == 400
    assert "Vælg en af workshoppens grupper." in response.content.decode()
    assert participant_of(mette, workshop).group == group1
    assert not Participant.objects.filter(group=foreign).exclude(workshop=other_workshop).exists()


# Locking and removing ------------------------------------------------------------------------


def test_a_locked_workshop_takes_no_one_new_and_keeps_those_in(
    facilitator, workshop, group1, mette
):
    lock = reverse("workshops:lock-joining", args=[workshop.pk])
    assert facilitator.post(lock, {"locked": "on"}).status_code == 302
    dashboard = facilitator.get(reverse("workshops:dashboard", args=[workshop.pk])).content
    assert "Lukket for nye deltagere." in dashboard.decode()
    newcomer = Client()
    page = newcomer.get(f"/deltag/{workshop.join_code}/")
    assert page.status_code == 403
    assert "Facilitatoren har lukket for nye deltagere." in page.content.decode()
    newcomer.post(f"/deltag/{workshop.join_code}/", {"group": group1.pk})
    assert workshop.participants.count() == 1
    # Mette, already in, goes on.
    assert mette.post(group1.get_absolute_url() + "faerdig/", {"done": "on"}).status_code == 302
    facilitator.post(lock, {"locked": ""})
    assert newcomer.post(f"/deltag/{workshop.join_code}/", {"group": group1.pk}).status_code == 302
    assert workshop.participants.count() == 2


def test_a_removed_participant_is_let_in_nowhere_and_the_group_keeps_the_notes(
    facilitator, workshop, group1, mette
):
    domain.save_text(group1, SharedText.NOTES, text="Vores noter", version=0)
    participant = participant_of(mette, workshop)
    response = facilitator.post(
        arrange_url(workshop),
        {"participant": participant.pk, "group": group1.pk, "remove": participant.pk},
    )
    assert response.status_code == 302
    assert (
        "Mette er fjernet fra workshoppen."
        in facilitator.get(arrange_url(workshop)).content.decode()
    )
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert mette.get(group1.get_absolute_url()).status_code == 404
    assert (
        mette.post(group1.get_absolute_url() + "noter/", {"text": "x", "version": 1}).status_code
        == 404
    )
    group1.refresh_from_db()
    assert group1.notes == "Vores noter"


def test_someone_of_another_workshop_cannot_be_removed_here(
    facilitator, workshop, sofie, other_workshop
):
    stranger = participant_of(sofie, other_workshop)
    response = facilitator.post(arrange_url(workshop), {"remove": stranger.pk})
    assert response.status_code == 400
    assert Participant.objects.filter(pk=stranger.pk).exists()
