"""Tagging on one's own first: how many have tagged, the reveal, the group's agreement on its
tags, and how the summary tells a draft from a disagreement."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import count_queries, duty, join, kept_out_of, make_workshop
from workshops import domain
from workshops.models import Group, Phase

HTMX = {"HX-Request": "true"}
INSTRUCTION = (
    "Bliv enige om gruppens tags. Vi har sat flueben ved det, flertallet taggede – ret til,"
    " og bekræft."
)


def url(group: Group, action: str = "") -> str:
    return group.get_absolute_url() + action


def tag_privately(member: Client, group: Group, *numbers: int) -> None:
    for number in numbers:
        response = member.post(url(group, "privat-tag/"), {"point": duty(number).pk, "on": "1"})
        assert response.status_code == 302


def group_tags(group: Group) -> set[int]:
    return set(group.tags.values_list("number", flat=True))


def reload(group: Group) -> Group:
    group.refresh_from_db()
    return group


@pytest.fixture
def tagging(content, alice):
    """Alice's workshop where members tag on their own first, in discussion."""
    workshop = make_workshop(alice, private_tagging=True)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    return workshop


@pytest.fixture
def group(tagging) -> Group:
    return tagging.groups.get(position=1)


@pytest.fixture
def members(tagging, group) -> list[Client]:
    """Four members of group 1: Anna, Bo, Carl and Dorte."""
    return [join(tagging, group, name) for name in ("Anna", "Bo", "Carl", "Dorte")]


# Before the reveal -------------------------------------------------------------------------


def test_page_counts_the_members_who_have_tagged(group, members):
    anna, bo, carl, dorte = members
    assert "0 af 4 har tagget" in anna.get(url(group)).content.decode()
    tag_privately(anna, group, 1, 2)
    tag_privately(bo, group, 1)
    tag_privately(carl, group, 3)
    # Dorte tags and takes it off again: she has not tagged.
    tag_privately(dorte, group, 4)
    dorte.post(url(group, "privat-tag/"), {"point": duty(4).pk, "on": ""})
    for member in members:
        assert "3 af 4 har tagget" in member.get(url(group)).content.decode()
    assert domain.private_tagging_progress(group) == domain.TaggingProgress(tagged=3, members=4)


def test_a_member_tagging_reaches_the_others_poll(group, members):
    anna, bo = members[:2]
    poll = url(group) + "?fase=discussion"
    etag = bo.get(poll, headers=HTMX)["ETag"]
    tag_privately(anna, group, 2)
    response = bo.get(poll, headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 af 4 har tagget" in html
    # Screen readers hear the count too, and Bo's own buttons stay his: nothing is pressed.
    assert 'id="tags-announcer" hx-swap-oob="innerHTML">1 af 4 har tagget' in html
    assert 'aria-pressed="true"' not in html


def test_the_count_and_the_question_are_english_on_request(group, members):
    anna = members[0]
    anna.cookies["django_language"] = "en"
    tag_privately(anna, group, 1)
    assert "1 of 4 have tagged" in anna.get(url(group)).content.decode()
    html = anna.post(url(group, "vis-tags/")).content.decode()
    assert "Only 1 of 4 have tagged. Show everyone’s tags anyway?" in html
    anna.post(url(group, "vis-tags/"), {"confirmed": "on"})
    html = anna.get(url(group)).content.decode()
    assert "Agree on the group’s tags." in html and "We agree" in html


def test_a_member_joining_changes_the_count(tagging, group, members):
    tag_privately(members[0], group, 1)
    join(tagging, group, "Erik")
    assert "1 af 5 har tagget" in members[0].get(url(group)).content.decode()


def test_group_page_queries_do_not_grow_with_members_who_tagged(content, alice):
    sizes = []
    for size in (2, 6):
        workshop = make_workshop(alice, private_tagging=True)
        group = workshop.groups.get(position=1)
        clients = [join(workshop, group) for _ in range(size)]
        for client in clients:
            tag_privately(client, group, 1, 2)
        sizes.append(count_queries(clients[0], url(group)))
    assert sizes[0] == sizes[1]


# Revealing ---------------------------------------------------------------------------------


def test_reveal_asks_first_when_not_everyone_has_tagged(group, members):
    anna, bo = members[:2]
    tag_privately(anna, group, 1)
    tag_privately(bo, group, 1, 2)
    version = reload(group).version
    response = anna.post(url(group, "vis-tags/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kun 2 af 4 har tagget. Vis alles tags alligevel?" in html
    # The question is a form of its own, so it works without JavaScript.
    assert 'name="confirmed" value="on"' in html
    assert "Ja, vis alles tags" in html and "Nej, vent på de andre" in html
    group = reload(group)
    assert not group.revealed and group_tags(group) == set()
    assert group.version == version
    assert "medlemmer" not in bo.get(url(group)).content.decode()


def test_reveal_happens_once_confirmed(group, members):
    anna, bo, carl = members[:3]
    tag_privately(anna, group, 1)
    tag_privately(bo, group, 1, 2)
    version = reload(group).version
    response = anna.post(url(group, "vis-tags/"), {"confirmed": "on"})
    assert response["Location"] == url(group)
    group = reload(group)
    assert group.revealed and group.version == version + 1
    html = carl.get(url(group)).content.decode()
    assert INSTRUCTION in html
    assert "2 medlemmer" in html and "1 medlem" in html
    assert "har tagget" not in html


def test_reveal_needs_one_press_when_everyone_has_tagged(tagging, group):
    anna, bo = join(tagging, group, "Anna"), join(tagging, group, "Bo")
    tag_privately(anna, group, 1)
    tag_privately(bo, group, 2)
    assert "2 af 2 har tagget" in anna.get(url(group)).content.decode()
    response = bo.post(url(group, "vis-tags/"))
    assert response["Location"] == url(group)
    assert reload(group).revealed


def test_reveal_prefills_what_more_than_half_of_those_who_tagged_chose(group, members):
    anna, bo, carl, dorte = members
    tag_privately(anna, group, 1, 2, 3)
    tag_privately(bo, group, 1, 2)
    tag_privately(carl, group, 1, 5)
    # Dorte has not tagged: the majority is of the three who did, so 2 of 3 is enough.
    anna.post(url(group, "vis-tags/"), {"confirmed": "on"})
    assert group_tags(group) == {1, 2}
    html = dorte.get(url(group)).content.decode()
    assert f'id="tag-{duty(1).pk}" class="toggle" aria-pressed="true"' in html
    assert f'id="tag-{duty(2).pk}" class="toggle" aria-pressed="true"' in html
    assert f'id="tag-{duty(3).pk}" class="toggle" aria-pressed="false"' in html
    assert "3 medlemmer" in html


def test_with_two_who_tagged_the_majority_is_both(tagging, group):
    anna, bo = join(tagging, group, "Anna"), join(tagging, group, "Bo")
    tag_privately(anna, group, 1, 3)
    tag_privately(bo, group, 1, 4)
    anna.post(url(group, "vis-tags/"))
    assert group_tags(group) == {1}


def test_revealing_again_keeps_what_the_group_changed(tagging, group):
    anna, bo = join(tagging, group, "Anna"), join(tagging, group, "Bo")
    tag_privately(anna, group, 1)
    tag_privately(bo, group, 1)
    anna.post(url(group, "vis-tags/"))
    bo.post(url(group, "tag/"), {"point": duty(1).pk, "on": ""})
    version = reload(group).version
    # Bo's page was older and still showed the button.
    response = bo.post(url(group, "vis-tags/"))
    assert response["Location"] == url(group)
    group = reload(group)
    assert group_tags(group) == set() and group.version == version


def test_private_tags_cannot_change_after_the_reveal(tagging, group):
    anna = join(tagging, group, "Anna")
    tag_privately(anna, group, 1)
    anna.post(url(group, "vis-tags/"))
    anna.post(url(group, "privat-tag/"), {"point": duty(2).pk, "on": "1"})
    assert domain.private_tag_counts(group) == {duty(1).pk: 1}
    assert group_tags(group) == {1}


def test_a_workshop_without_private_tagging_has_nothing_to_reveal(mette, group1):
    mette.post(url(group1, "tag/"), {"point": duty(1).pk, "on": "1"})
    response = mette.post(url(group1, "vis-tags/"), {"confirmed": "on"})
    assert response["Location"] == url(group1)
    group1 = reload(group1)
    assert not group1.revealed and group_tags(group1) == {1}


def test_an_unknown_step_is_refused(group, members):
    tag_privately(members[0], group, 1)
    response = members[0].post(url(group, "vis-tags/"), {"step": "alle"})
    assert response.status_code == 400
    assert "Vis alles tags" in response.content.decode()
    assert not reload(group).revealed


# Agreeing ------------------------------------------------------------------------------------


def test_group_corrects_the_prefilled_tags_and_agrees(group, members):
    anna, bo, carl = members[:3]
    for member in (anna, bo, carl):
        tag_privately(member, group, 1)
    anna.post(url(group, "vis-tags/"), {"confirmed": "on"})
    assert "Vi er enige" in carl.get(url(group)).content.decode()
    bo.post(url(group, "tag/"), {"point": duty(6).pk, "on": "1"})
    version = reload(group).version
    response = carl.post(url(group, "vis-tags/"), {"step": "agree"})
    assert response["Location"] == url(group)
    group = reload(group)
    assert group.tags_agreed and group.version == version + 1
    assert group_tags(group) == {1, 6}
    html = anna.get(url(group)).content.decode()
    assert "I er enige om gruppens tags." in html
    assert INSTRUCTION not in html and "Vi er enige</button>" not in html
    # The members' counts stay beside each point.
    assert "3 medlemmer" in html and "0 medlemmer" in html


def test_agreement_reaches_the_others_poll(tagging, group):
    anna, bo = join(tagging, group, "Anna"), join(tagging, group, "Bo")
    tag_privately(anna, group, 1)
    tag_privately(bo, group, 1)
    anna.post(url(group, "vis-tags/"))
    poll = url(group) + "?fase=discussion"
    etag = bo.get(poll, headers=HTMX)["ETag"]
    anna.post(url(group, "vis-tags/"), {"step": "agree"})
    response = bo.get(poll, headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert "I er enige om gruppens tags." in response.content.decode()


def test_agreeing_before_the_reveal_changes_nothing(group, members):
    tag_privately(members[0], group, 1)
    version = reload(group).version
    response = members[0].post(url(group, "vis-tags/"), {"step": "agree"})
    assert response["Location"] == url(group)
    group = reload(group)
    assert not group.tags_agreed and not group.revealed and group.version == version


# Who may -------------------------------------------------------------------------------------

STEPS = [{}, {"confirmed": "on"}, {"step": "agree"}]


@pytest.mark.parametrize("data", STEPS)
@pytest.mark.parametrize("outsider", ["other_group", "other_workshop", "anonymous"])
def test_outsiders_can_neither_reveal_nor_agree(alice, tagging, group, members, outsider, data):
    tag_privately(members[0], group, 1)
    if outsider == "other_group":
        visitor = join(tagging, tagging.groups.get(position=2), "Jonas")
    elif outsider == "other_workshop":
        other = make_workshop(alice, title="Andet forløb", private_tagging=True)
        visitor = join(other, other.groups.get(position=1), "Sofie")
    else:
        visitor = Client()
    assert kept_out_of(visitor.post(url(group, "vis-tags/"), data), group)
    group = reload(group)
    assert not group.revealed and not group.tags_agreed and group_tags(group) == set()


def test_outsiders_cannot_agree_for_a_revealed_group(tagging, group, members):
    tag_privately(members[0], group, 1)
    members[0].post(url(group, "vis-tags/"), {"confirmed": "on"})
    jonas = join(tagging, tagging.groups.get(position=2), "Jonas")
    assert kept_out_of(jonas.post(url(group, "vis-tags/"), {"step": "agree"}), group)
    assert not reload(group).tags_agreed


@pytest.mark.parametrize("data", STEPS)
def test_closed_workshop_refuses_reveal_and_agreement(tagging, group, members, data):
    tag_privately(members[0], group, 1)
    if data.get("step") == "agree":
        members[0].post(url(group, "vis-tags/"), {"confirmed": "on"})
    domain.set_phase(tagging, phase=Phase.CLOSED)
    before = reload(group)
    response = members[0].post(url(group, "vis-tags/"), data)
    assert response.status_code == 403
    assert "Workshoppen er lukket" in response.content.decode()
    group = reload(group)
    assert (group.revealed, group.tags_agreed) == (before.revealed, before.tags_agreed)


# The summary ---------------------------------------------------------------------------------


def comparison(client: Client, workshop, position: int = 1) -> tuple[dict, str]:
    response = client.get(f"/workshops/{workshop.pk}/opsummering/")
    summary = response.context["summary"].groups[position - 1]
    compared = {cell.point.number: split for cell, split in summary.comparison}
    return compared, response.content.decode()


def test_summary_calls_tags_not_settled_before_the_reveal(client, alice, tagging, group, members):
    tag_privately(members[0], group, 1)
    tag_privately(members[1], group, 2)
    client.force_login(alice)
    compared, html = comparison(client, tagging)
    assert compared == {1: False, 2: False}
    assert "Ikke afklaret endnu" in html
    assert "uenighed" not in html


def test_summary_calls_revealed_tags_not_settled_until_the_group_agrees(
    client, alice, tagging, group, members
):
    anna, bo, carl = members[:3]
    tag_privately(anna, group, 1, 2)
    tag_privately(bo, group, 1)
    tag_privately(carl, group, 1, 3)
    anna.post(url(group, "vis-tags/"), {"confirmed": "on"})
    client.force_login(alice)
    compared, html = comparison(client, tagging)
    assert compared == {1: False, 2: False, 3: False}
    assert "Ikke afklaret endnu" in html and "uenighed" not in html
    anna.post(url(group, "vis-tags/"), {"step": "agree"})
    compared, html = comparison(client, tagging)
    # All three tagged 1, as did the group; 2 and 3 were tagged by one each, and left out.
    assert compared == {1: False, 2: True, 3: True}
    assert "Ikke afklaret endnu" not in html
    assert html.count('<span class="tag warn">uenighed</span>') == 2


def test_summary_shows_no_disagreement_when_everyone_agreed(client, alice, tagging, group, members):
    for member in members:
        tag_privately(member, group, 1, 3)
    members[0].post(url(group, "vis-tags/"))
    members[0].post(url(group, "vis-tags/"), {"step": "agree"})
    client.force_login(alice)
    compared, html = comparison(client, tagging)
    assert compared == {1: False, 3: False}
    assert "uenighed" not in html and "Ikke afklaret endnu" not in html
    assert "4 af 4" in html
