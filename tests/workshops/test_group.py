from __future__ import annotations

import re

import pytest
from django.test import Client

from cases.models import Case
from kodeks.models import Codex, Point
from tests.factories import count_queries, csrf_token_in, duty, join, make_workshop, participant_of
from workshops import domain
from workshops.models import Group, Phase, SharedText

HTMX = {"HX-Request": "true"}


def url(group: Group, action: str = "") -> str:
    return group.get_absolute_url() + action


def test_group_page_offers_the_pool_and_reminds_not_to_write_names(mette, group1, workshop):
    html = mette.get(url(group1)).content.decode()
    for case in workshop.pool.all():
        assert case.title in html
    assert "Skriv ikke navne på kolleger, borgere eller politikere." in html
    assert "Skriv jeres eget dilemma" in html


def test_group_picks_a_case_and_reads_it(mette, group1, workshop):
    case = workshop.pool.get(number=5)
    response = mette.post(url(group1, "case/"), {"case": case.pk})
    assert response["Location"] == url(group1)
    group1.refresh_from_db()
    assert group1.case == case
    html = mette.get(url(group1)).content.decode()
    assert case.situation[:60] in html
    assert case.question_list[0] in html


def test_case_outside_the_pool_is_refused(mette, group1):
    outside = Case.objects.get_by_natural_key(Codex.DUTIES, 29)
    mette.post(url(group1, "case/"), {"case": outside.pk})
    group1.refresh_from_db()
    assert group1.case is None


def test_group_writes_its_own_dilemma(mette, group1):
    response = mette.post(
        url(group1, "eget-dilemma/"),
        {"own_title": "Budgetnotatet", "own_situation": "Chefen vil have tallene pyntet."},
    )
    assert response.status_code == 302
    group1.refresh_from_db()
    assert (group1.own_title, group1.case) == ("Budgetnotatet", None)
    assert "Chefen vil have tallene pyntet." in mette.get(url(group1)).content.decode()


def test_own_dilemma_errors_keep_what_was_typed(mette, group1):
    response = mette.post(
        url(group1, "eget-dilemma/"), {"own_title": "", "own_situation": "Langt oplæg"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dette felt er påkrævet." in html
    assert "Langt oplæg" in html


def test_own_dilemma_is_refused_when_not_allowed(content, alice):
    workshop = make_workshop(alice, own_dilemmas=False)
    group = workshop.groups.first()
    client = join(workshop, group)
    response = client.post(url(group, "eget-dilemma/"), {"own_title": "X", "own_situation": "Y"})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.own_title == ""


def test_a_tag_is_set_on_and_off_and_the_answer_is_the_button(mette, group1):
    response = mette.post(url(group1, "tag/"), {"point": duty(1).pk, "on": "1"}, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and html.count("<button") == 1
    assert f'id="tag-{duty(1).pk}" class="toggle" aria-pressed="true"' in html
    # Pressing it again takes the tag off.
    assert 'name="on" value=""' in html
    assert list(group1.tags.all()) == [duty(1)]
    mette.post(url(group1, "tag/"), {"point": duty(1).pk, "on": ""})
    assert list(group1.tags.all()) == []


def test_two_members_tapping_the_same_point_both_leave_it_tagged(mette, workshop, group1):
    anders = join(workshop, group1, "Anders")
    # Both pages showed the point untagged, so both buttons say "on".
    for member in (mette, anders):
        member.post(url(group1, "tag/"), {"point": duty(3).pk, "on": "1"}, headers=HTMX)
    assert list(group1.tags.all()) == [duty(3)]


def test_a_bad_tag_from_a_page_is_refused_without_a_swap(mette, group1):
    leadership = Point.objects.get_by_natural_key(Codex.LEADERSHIP, 1)
    response = mette.post(url(group1, "tag/"), {"point": leadership.pk, "on": "1"}, headers=HTMX)
    assert response.status_code == 400 and response["HX-Reswap"] == "none"
    assert "Den pligt findes ikke i denne workshop." in response.content.decode()


def test_points_of_another_codex_cannot_be_tagged(mette, group1):
    leadership = Point.objects.get_by_natural_key(Codex.LEADERSHIP, 1)
    mette.post(url(group1, "tag/"), {"point": leadership.pk, "on": "1"})
    assert group1.tags.count() == 0


def test_conclusion_and_done(mette, group1, workshop):
    mette.post(url(group1, "case/"), {"case": workshop.pool.get(number=1).pk})
    mette.post(url(group1, "konklusion/"), {"text": "Vi ville sige fra.", "version": 0})
    mette.post(url(group1, "faerdig/"), {"done": "on"})
    group1.refresh_from_db()
    assert (group1.conclusion, group1.done) == ("Vi ville sige fra.", True)
    html = mette.get(url(group1)).content.decode()
    assert "KL har casen under pligt 1: Lovlighed." in html


def test_after_done_the_group_sees_how_other_groups_tagged_the_case(
    mette, jonas, workshop, group1, group2, other_workshop
):
    case = workshop.pool.get(number=1)
    for group in (group2, other_workshop.groups.first()):
        domain.choose_case(group, case=case)
        domain.set_tag(group, point=duty(1), on=True)
    domain.set_tag(group2, point=duty(3), on=True)
    mette.post(url(group1, "case/"), {"case": case.pk})
    mette.post(url(group1, "faerdig/"), {"done": "on"})
    html = mette.get(url(group1)).content.decode()
    assert "1. Lovlighed: 2 grupper" in html
    assert "3. Faglighed: 1 gruppe" in html


def test_private_tags_are_counted_when_the_group_reveals(content, alice):
    workshop = make_workshop(alice, private_tagging=True)
    group = workshop.groups.first()
    mette, anders = join(workshop, group, "Mette"), join(workshop, group, "Anders")
    mette.post(url(group, "privat-tag/"), {"point": duty(2).pk, "on": "1"})
    anders.post(url(group, "privat-tag/"), {"point": duty(2).pk, "on": "1"})
    anders.post(url(group, "privat-tag/"), {"point": duty(3).pk, "on": "1"})
    html = mette.get(url(group)).content.decode()
    assert "Vis alles tags" in html
    assert "medlemmer" not in html
    mette.post(url(group, "vis-tags/"))
    html = mette.get(url(group)).content.decode()
    assert domain.private_tag_counts(group) == {duty(2).pk: 2, duty(3).pk: 1}
    assert "2 medlemmer" in html and "1 medlem" in html
    assert participant_of(anders, workshop).private_tags.count() == 2


def test_poll_follows_the_phase(mette, group1, workshop):
    response = mette.get(url(group1) + "?fase=intro", headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="live"')
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    response = mette.get(url(group1) + "?fase=intro", headers=HTMX)
    assert response["HX-Refresh"] == "true"


def test_unchanged_poll_answers_304_after_one_query(
    mette, group1, workshop, django_assert_num_queries
):
    etag = mette.get(url(group1) + "?fase=intro", headers=HTMX)["ETag"]
    # The membership with the group's and the workshop's versions; no session is read.
    with django_assert_num_queries(1):
        response = mette.get(url(group1) + "?fase=intro", headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_group_page_is_never_cached(mette, group1):
    assert "no-store" in mette.get(url(group1))["Cache-Control"]


def test_closed_workshop_is_read_only(mette, group1, workshop):
    mette.post(url(group1, "noter/"), {"text": "Vores noter", "version": 0})
    domain.set_phase(workshop, phase=Phase.CLOSED)
    html = mette.get(url(group1)).content.decode()
    assert "Workshoppen er lukket. Her er jeres resultat." in html
    assert "<textarea" not in html
    assert "Vores noter" in html
    for action, data in [
        ("noter/", {"text": "Ændret", "version": 1}),
        ("tag/", {"point": duty(1).pk, "on": "1"}),
        ("konklusion/", {"text": "Ændret", "version": 0}),
        ("faerdig/", {"done": "on"}),
        ("case/", {"case": workshop.pool.first().pk}),
    ]:
        assert mette.post(url(group1, action), data).status_code == 403
    group1.refresh_from_db()
    assert (group1.notes, group1.conclusion, group1.done, group1.case) == (
        "Vores noter",
        "",
        False,
        None,
    )


# Outsiders -------------------------------------------------------------------------------

GROUP_ACTIONS = [
    "",
    "case/",
    "eget-dilemma/",
    "noter/",
    "konklusion/",
    "dilemma/",
    "tag/",
    "privat-tag/",
    "vis-tags/",
    "faerdig/",
]


@pytest.mark.parametrize("action", GROUP_ACTIONS)
def test_participant_of_another_group_is_sent_to_their_own(jonas, group1, group2, action):
    """On another group's address a participant of the workshop sees nothing of it: they are
    sent to their own group, and what they sent changes nothing."""
    domain.save_text(group1, SharedText.NOTES, text="Gruppe 1's noter", version=0)
    method = jonas.get if action == "" else jonas.post
    response = method(url(group1, action), {"text": "Indtrængende", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == group2.get_absolute_url()
    assert "Gruppe 1's noter" not in response.content.decode()
    group1.refresh_from_db()
    assert (group1.notes, group1.notes_version, group1.done) == ("Gruppe 1's noter", 1, False)


def test_a_poll_of_another_group_s_page_sends_the_phone_to_its_own(jonas, group1, group2):
    response = jonas.get(url(group1), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == group2.get_absolute_url()
    assert b"<" not in response.content


@pytest.mark.parametrize("action", GROUP_ACTIONS)
def test_participant_of_another_workshop_is_refused(sofie, group1, action):
    method = sofie.get if action == "" else sofie.post
    assert method(url(group1, action)).status_code == 404


@pytest.mark.parametrize("action", GROUP_ACTIONS)
def test_anonymous_visitor_is_refused(client, group1, action):
    method = client.get if action == "" else client.post
    assert method(url(group1, action)).status_code == 404


def test_group_url_with_another_workshops_code_is_refused(mette, group1, other_workshop):
    assert mette.get(f"/deltag/{other_workshop.join_code}/gruppe/{group1.pk}/").status_code == 404


def test_outsider_writes_change_nothing(jonas, sofie, group1):
    jonas.post(url(group1, "noter/"), {"text": "Indtrængende", "version": 0})
    sofie.post(url(group1, "tag/"), {"point": duty(1).pk, "on": "1"})
    group1.refresh_from_db()
    assert group1.notes == "" and group1.tags.count() == 0


def test_group_page_queries_do_not_grow_with_the_pool(content, alice, django_assert_num_queries):
    small = make_workshop(alice, pool=list(Case.objects.public()[:2]))
    large = make_workshop(alice, pool=list(Case.objects.public()[:20]))
    small_group, large_group = small.groups.first(), large.groups.first()
    small_client, large_client = join(small, small_group), join(large, large_group)
    queries = count_queries(small_client, url(small_group))
    with django_assert_num_queries(queries):
        large_client.get(url(large_group))


def strict_member(workshop, group) -> Client:
    """A member whose browser must send a valid CSRF token, as real browsers are held to."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/deltag/{workshop.join_code}/").content.decode()
    response = client.post(
        f"/deltag/{workshop.join_code}/",
        {"group": group.pk, "display_name": "", "csrfmiddlewaretoken": csrf_token_in(page)},
    )
    assert response.status_code == 302
    return client


def test_each_member_gets_the_page_with_their_own_csrf_token(workshop, group1):
    first, second = strict_member(workshop, group1), strict_member(workshop, group1)
    first_page = first.get(url(group1)).content.decode()
    second_page = second.get(url(group1)).content.decode()
    first_token, second_token = csrf_token_in(first_page), csrf_token_in(second_page)
    # A token from the other member's page is refused; each member's own is accepted.
    tag = {"point": duty(2).pk, "on": "1"}
    assert (
        second.post(url(group1, "tag/"), {**tag, "csrfmiddlewaretoken": first_token}).status_code
        == 403
    )
    assert (
        second.post(url(group1, "tag/"), {**tag, "csrfmiddlewaretoken": second_token}).status_code
        == 302
    )
    assert list(group1.tags.all()) == [duty(2)]


def pressed(html: str, point: Point, kind: str = "tag") -> bool:
    button = re.search(rf'id="{kind}-{point.pk}"[^>]*aria-pressed="(\w+)"', html)
    return button.group(1) == "true"


def test_a_change_by_one_member_reaches_the_others_page(mette, workshop, group1):
    anders = join(workshop, group1, "Anders")
    assert not pressed(anders.get(url(group1)).content.decode(), duty(3))
    mette.post(url(group1, "tag/"), {"point": duty(3).pk, "on": "1"})
    assert pressed(anders.get(url(group1)).content.decode(), duty(3))
    mette.post(url(group1, "noter/"), {"text": "Vi spørger juristen", "version": 0})
    assert "Vi spørger juristen" in anders.get(url(group1)).content.decode()


def test_private_tags_are_not_shared_before_the_reveal(content, alice):
    workshop = make_workshop(alice, private_tagging=True)
    group = workshop.groups.first()
    anna, bo = join(workshop, group), join(workshop, group)
    anna.post(url(group, "privat-tag/"), {"point": duty(1).pk, "on": "1"})
    bo.post(url(group, "privat-tag/"), {"point": duty(2).pk, "on": "1"})
    anna_page, bo_page = anna.get(url(group)).content.decode(), bo.get(url(group)).content.decode()
    assert pressed(anna_page, duty(1), "private") and not pressed(anna_page, duty(2), "private")
    assert pressed(bo_page, duty(2), "private") and not pressed(bo_page, duty(1), "private")


def test_private_tags_are_final_once_revealed(content, alice):
    workshop = make_workshop(alice, private_tagging=True)
    group = workshop.groups.first()
    anna = join(workshop, group)
    anna.post(url(group, "privat-tag/"), {"point": duty(1).pk, "on": "1"})
    anna.post(url(group, "vis-tags/"))
    anna.post(url(group, "privat-tag/"), {"point": duty(4).pk, "on": "1"})
    assert domain.private_tag_counts(group) == {duty(1).pk: 1}


def test_another_groups_work_leaves_the_poll_unchanged_but_the_timer_does_not(
    mette, jonas, workshop, group1, group2
):
    poll = url(group1) + "?fase=intro"
    etag = mette.get(poll, headers=HTMX)["ETag"]
    jonas.post(url(group2, "tag/"), {"point": duty(1).pk, "on": "1"})
    jonas.post(url(group2, "noter/"), {"text": "Gruppe 2 skriver", "version": 0})
    assert mette.get(poll, headers={**HTMX, "If-None-Match": etag}).status_code == 304
    domain.set_timer(workshop, minutes=5)
    response = mette.get(poll, headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert "data-countdown=" in response.content.decode()


def test_group_page_queries_are_the_same_for_a_small_and_a_large_workshop(content, alice):
    sizes = []
    for groups, members in [(2, 1), (20, 5)]:
        workshop = make_workshop(alice, groups=groups)
        for group in workshop.groups.all():
            domain.choose_case(group, case=workshop.pool.first())
            for number in (1, 2, 3):
                domain.set_tag(group, point=duty(number), on=True)
            clients = [join(workshop, group) for _ in range(members)]
        sizes.append(count_queries(clients[0], url(group)))
    assert sizes[0] == sizes[1]


@pytest.mark.parametrize(
    ("format", "heading", "banner", "not_said"),
    [
        ("onboarding", "Hvilke pligter var i spil?", "tag pligterne", "kodekspunkter"),
        ("lederteam", "Hvilke kodekspunkter var i spil?", "tag kodekspunkterne", "pligter"),
    ],
)
def test_the_group_page_names_what_it_tags_as_its_codex_does(
    alice, content, format, heading, banner, not_said
):
    options = {}
    if format == "lederteam":
        options = {"focus_point": Point.objects.get_by_natural_key(Codex.LEADERSHIP, 9), "pool": []}
    workshop = make_workshop(alice, format=format, **options)
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    group = workshop.groups.first()
    html = join(workshop, group).get(group.get_absolute_url()).content.decode()
    assert f'<h2 id="tags-heading">{heading}</h2>' in html
    assert banner in html
    banner_and_tags = html.split('class="phase-banner')[1].split("</p>")[0] + heading
    assert not_said not in banner_and_tags
