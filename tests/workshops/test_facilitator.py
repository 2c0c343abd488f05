from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from cases.models import Case
from kodeks.models import Codex, Point, User
from tests.factories import count_queries, csrf_token_in, join, make_workshop
from workshops import domain
from workshops.models import Format, Group, Participant, Phase, Revision, SharedText, Workshop

HTMX = {"HX-Request": "true"}


def facilitator_urls(workshop: Workshop) -> list[tuple[str, str]]:
    pk = workshop.pk
    return [
        ("get", reverse("workshops:list")),
        ("get", reverse("workshops:create")),
        ("post", reverse("workshops:create")),
        ("get", reverse("workshops:dashboard", args=[pk])),
        ("post", reverse("workshops:change-phase", args=[pk])),
        ("post", reverse("workshops:start-timer", args=[pk])),
        ("post", reverse("workshops:close", args=[pk])),
        ("get", reverse("workshops:projector", args=[pk])),
        ("get", reverse("workshops:projector-guide", args=[pk, "forord"])),
        ("get", reverse("workshops:join-qr", args=[pk])),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_facilitator_page(client, workshop):
    for method, url in facilitator_urls(workshop):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_facilitator_of_another_organisation_cannot_see_the_workshop(client, charlie, workshop):
    client.force_login(charlie)
    assert workshop.title not in client.get(reverse("workshops:list")).content.decode()
    for method, url in facilitator_urls(workshop)[3:]:
        assert getattr(client, method)(url).status_code == 404, url
    workshop.refresh_from_db()
    assert workshop.phase == Phase.INTRO


def test_hr_cannot_run_workshops(client, hanne, workshop):
    client.force_login(hanne)
    for method, url in facilitator_urls(workshop):
        assert getattr(client, method)(url).status_code == 403, url


def test_start_page_lists_running_upcoming_and_closed(client, alice, workshop, content):
    upcoming = make_workshop(
        alice, title="Næste hold", date=datetime.date.today() + datetime.timedelta(days=30)
    )
    closed = make_workshop(alice, title="Sidste hold")
    domain.set_phase(closed, phase=Phase.CLOSED)
    client.force_login(alice)
    html = client.get(reverse("workshops:list")).content.decode()
    running_section = html.split('id="running-heading"')[1].split('id="upcoming-heading"')[0]
    upcoming_section = html.split('id="upcoming-heading"')[1].split('id="closed-heading"')[0]
    closed_section = html.split('id="closed-heading"')[1]
    assert workshop.title in running_section
    assert upcoming.title in upcoming_section
    assert closed.title in closed_section


def section(html: str, key: str) -> str:
    return html.split(f'id="{key}-heading"')[1].split("</section>")[0]


def test_held_workshops_are_listed_latest_first_a_page_at_a_time(client, alice, content):
    first_day = datetime.date(2025, 1, 6)
    for week in range(25):
        held = make_workshop(
            alice, title=f"Hold {week:02}", date=first_day + datetime.timedelta(weeks=week)
        )
        domain.set_phase(held, phase=Phase.CLOSED)
    client.force_login(alice)
    html = client.get(reverse("workshops:list")).content.decode()
    closed = section(html, "closed")
    titles = [f"Hold {week:02}" for week in range(25)]
    assert [title for title in titles if title in closed] == titles[5:]
    assert closed.index("Hold 24") < closed.index("Hold 23") < closed.index("Hold 05")
    assert "Side 1 af 2" in closed
    assert 'href="?side=2#closed-heading" rel="next">Ældre' in closed
    older = section(client.get(reverse("workshops:list") + "?side=2").content.decode(), "closed")
    assert [title for title in titles if title in older] == titles[:5]
    assert 'rel="prev">Nyere' in older
    # Any other page asked for gives a page that exists, never an error.
    for side in ("abc", "-1", "99999999999999999999"):
        response = client.get(reverse("workshops:list"), {"side": side})
        assert response.status_code == 200
        assert "Hold" in section(response.content.decode(), "closed")


def test_upcoming_workshops_are_listed_soonest_first(client, alice, content):
    today = datetime.date.today()
    later = make_workshop(alice, title="Om en måned", date=today + datetime.timedelta(days=30))
    sooner = make_workshop(alice, title="Om en uge", date=today + datetime.timedelta(days=7))
    client.force_login(alice)
    upcoming = section(client.get(reverse("workshops:list")).content.decode(), "upcoming")
    assert upcoming.index(sooner.title) < upcoming.index(later.title)


@pytest.mark.parametrize(
    ("format", "groups", "own_dilemmas"),
    [(Format.ONBOARDING, 4, False), (Format.SPARRING, 2, True), (Format.CUSTOM, 3, False)],
)
def test_format_prefills_the_form(client, alice, content, format, groups, own_dilemmas):
    client.force_login(alice)
    form = client.get(reverse("workshops:create"), {"format": format}).context["form"]
    assert form["group_names"].value().count("Gruppe") == groups
    assert form["own_dilemmas"].value() is own_dilemmas


def test_onboarding_workshop_is_created_with_the_cases_of_chosen_duties(client, alice, content):
    client.force_login(alice)
    duties = Point.objects.filter(codex__slug=Codex.DUTIES, number__in=[1, 7])
    response = client.post(
        reverse("workshops:create") + "?format=onboarding",
        {
            "title": "Intro for nye",
            "date": "2026-12-01",
            "group_names": "Blå\nGrøn\nRød",
            "pool_duties": [d.pk for d in duties],
        },
    )
    workshop = Workshop.objects.get(title="Intro for nye")
    assert response["Location"] == workshop.get_absolute_url()
    assert workshop.organisation == alice.organisation
    assert workshop.codex.slug == Codex.DUTIES
    assert [g.name for g in workshop.groups.all()] == ["Blå", "Grøn", "Rød"]
    assert sorted(workshop.pool.values_list("number", flat=True)) == [1, 2, 3, 4, 27, 28, 29]


def onboarding_form(client) -> dict:
    """The blank onboarding form's fields as the browser would send them."""
    html = client.get(reverse("workshops:create") + "?format=onboarding").content.decode()
    submission = html.split('name="submission" value="')[1].split('"')[0]
    duty_one = Point.objects.get_by_natural_key(Codex.DUTIES, 1)
    return {
        "title": "Intro for nye",
        "date": "2026-12-01",
        "group_names": "Blå\nGrøn",
        "pool_duties": [duty_one.pk],
        "submission": submission,
    }


def test_a_form_sent_twice_creates_one_workshop(client, alice, content):
    client.force_login(alice)
    data = onboarding_form(client)
    url = reverse("workshops:create") + "?format=onboarding"
    first, second = client.post(url, data), client.post(url, data)
    workshop = Workshop.objects.get(title="Intro for nye")
    assert first["Location"] == second["Location"] == workshop.get_absolute_url()
    # Each blank form is a new submission, so a second workshop is a second form away.
    client.post(url, onboarding_form(client))
    assert Workshop.objects.filter(title="Intro for nye").count() == 2


def test_a_form_sent_twice_at_once_creates_one_workshop(client, alice, content):
    """The second request looked before the first had committed; the database says no."""
    client.force_login(alice)
    data = onboarding_form(client)
    url = reverse("workshops:create") + "?format=onboarding"
    client.post(url, data)
    with mock.patch.object(QuerySet, "first", return_value=None):
        response = client.post(url, data)
    workshop = Workshop.objects.get(title="Intro for nye")
    assert response["Location"] == workshop.get_absolute_url()


def test_another_organisations_submission_creates_nothing_there(client, alice, charlie, content):
    client.force_login(alice)
    data = onboarding_form(client)
    url = reverse("workshops:create") + "?format=onboarding"
    client.post(url, data)
    client.force_login(charlie)
    response = client.post(url, data)
    assert response.status_code == 404
    assert not Workshop.objects.filter(organisation=charlie.organisation).exists()


def test_lederteam_workshop_tags_against_leadership_points(client, alice, content):
    client.force_login(alice)
    point = Point.objects.get_by_natural_key(Codex.LEADERSHIP, 9)
    client.post(
        reverse("workshops:create") + "?format=lederteam",
        {
            "title": "Ledermøde",
            "date": "2026-12-01",
            "group_names": "Lederteamet",
            "focus_point": point.pk,
        },
    )
    workshop = Workshop.objects.get(title="Ledermøde")
    assert workshop.codex.slug == Codex.LEADERSHIP
    assert workshop.focus_point == point
    assert sorted(workshop.pool.values_list("number", flat=True)) == [1, 4, 5, 8, 10]


def test_bad_workshop_form_keeps_what_was_typed(client, alice, content):
    client.force_login(alice)
    response = client.post(
        reverse("workshops:create") + "?format=custom",
        {"title": "Mit forløb", "date": "i morgen", "group_names": "A\nA"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indtast en gyldig dato." in html
    assert "To grupper har samme navn." in html
    assert 'value="Mit forløb"' in html
    assert Workshop.objects.count() == 0


@pytest.mark.parametrize("number", ["99999999999999999999", "-99999999999999999999"])
def test_a_choice_no_row_can_have_is_refused_not_a_crash(client, alice, content, number):
    client.force_login(alice)
    response = client.post(
        reverse("workshops:create") + "?format=onboarding",
        {"title": "Mit forløb", "date": "2026-12-01", "group_names": "A", "pool_duties": number},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Marker en gyldig valgmulighed." in html
    assert 'value="Mit forløb"' in html and Workshop.objects.count() == 0


def test_workshop_needs_cases_or_own_dilemmas(client, alice, content):
    client.force_login(alice)
    response = client.post(
        reverse("workshops:create") + "?format=custom",
        {"title": "Tomt", "date": "2026-12-01", "group_names": "A"},
    )
    assert (
        "Vælg mindst én case eller pligt, eller tillad egne dilemmaer." in response.content.decode()
    )


def test_series_marks_cases_already_discussed(client, alice, content):
    first = make_workshop(alice, series_name="Chefsparring", format=Format.SPARRING)
    used = first.pool.get(number=2)
    domain.choose_case(first.groups.first(), case=used)
    second = make_workshop(alice, series_name="Chefsparring", format=Format.SPARRING)
    assert second.series == first.series
    client.force_login(alice)
    group = second.groups.first()
    participant = join(second, group)
    html = participant.get(group.get_absolute_url()).content.decode()
    item = html.split(used.title)[1].split("</button>")[0]
    assert "drøftet før i serien" in item
    assert html.count("drøftet før i serien") == 1


def test_dashboard_shows_every_group(client, alice, workshop, group1, mette):
    case = workshop.pool.get(number=3)
    mette.post(group1.get_absolute_url() + "case/", {"case": case.pk})
    mette.post(group1.get_absolute_url() + "noter/", {"text": "12345", "version": 0})
    mette.post(
        group1.get_absolute_url() + "tag/",
        {"point": Point.objects.get_by_natural_key(Codex.DUTIES, 1).pk, "on": "1"},
    )
    client.force_login(alice)
    html = client.get(workshop.get_absolute_url()).content.decode()
    row = html.split('id="group-1"')[1].split("</tr>")[0]
    assert case.title in row
    assert "1. Lovlighed" in row
    assert "5 tegn" in row
    assert "Ikke valgt" in html.split('id="group-2"')[1]


def test_dashboard_poll_answers_304_when_nothing_changed(
    client, alice, workshop, django_assert_num_queries
):
    client.force_login(alice)
    first = client.get(workshop.get_absolute_url(), headers=HTMX)
    assert first.content.decode().lstrip().startswith('<section id="live"')
    # Django's session, its user, and the versions of the workshop and its groups.
    with django_assert_num_queries(3):
        response = client.get(
            workshop.get_absolute_url(), headers={**HTMX, "If-None-Match": first["ETag"]}
        )
    assert response.status_code == 304


def test_dashboard_poll_with_a_known_etag_is_refused_to_outsiders(
    client, alice, charlie, hanne, workshop
):
    client.force_login(alice)
    etag = client.get(workshop.get_absolute_url(), headers=HTMX)["ETag"]
    poll = {**HTMX, "If-None-Match": etag}
    for outsider, status in ((charlie, 404), (hanne, 403)):
        other = Client()
        other.force_login(outsider)
        assert other.get(workshop.get_absolute_url(), headers=poll).status_code == status
    anonymous = Client().get(workshop.get_absolute_url(), headers=poll)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_dashboard_poll_renders_again_after_a_change(client, alice, workshop, group1, mette):
    client.force_login(alice)
    etag = client.get(workshop.get_absolute_url(), headers=HTMX)["ETag"]
    mette.post(
        group1.get_absolute_url() + "tag/",
        {"point": Point.objects.get_by_natural_key(Codex.DUTIES, 2).pk, "on": "1"},
    )
    response = client.get(workshop.get_absolute_url(), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert "2. Sandhed" in response.content.decode()


def test_dashboard_queries_are_the_same_for_2_and_20_groups(
    client, alice, content, django_assert_num_queries
):
    small, large = make_workshop(alice, groups=2), make_workshop(alice, groups=20)
    for workshop in (small, large):
        for group in workshop.groups.all():
            domain.choose_case(group, case=workshop.pool.first())
            domain.set_tag(group, point=Point.objects.get_by_natural_key(Codex.DUTIES, 1), on=True)
            join(workshop, group)
    client.force_login(alice)
    queries = count_queries(client, small.get_absolute_url())
    with django_assert_num_queries(queries):
        client.get(large.get_absolute_url())


def test_phase_and_timer(client, alice, workshop):
    client.force_login(alice)
    client.post(reverse("workshops:change-phase", args=[workshop.pk]), {"phase": Phase.DISCUSSION})
    timer(client, workshop, action="start", minutes="10")
    workshop.refresh_from_db()
    assert workshop.phase == Phase.DISCUSSION
    remaining = workshop.timer_ends_at - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=9) < remaining <= datetime.timedelta(minutes=10)
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "data-countdown=" in html


TIMER_ERROR = "Vælg mellem 1 og 180 minutter."


def timer(client, workshop, **data):
    return client.post(reverse("workshops:start-timer", args=[workshop.pk]), data)


def left(workshop) -> datetime.timedelta:
    workshop.refresh_from_db()
    return workshop.timer_ends_at - datetime.datetime.now(datetime.UTC)


@pytest.mark.parametrize("minutes", ["0", "181", "500", "x", "", "99999999999999999999"])
def test_a_timer_outside_1_to_180_minutes_is_refused_with_what_was_typed(
    client, alice, workshop, minutes
):
    client.force_login(alice)
    response = timer(client, workshop, action="start", minutes=minutes)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="field-error" id="timer-minutes_error">{TIMER_ERROR}</p>' in html
    assert 'aria-describedby="timer-minutes_error"' in html
    assert f'value="{minutes}"' in html
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None


def test_the_timer_gets_five_minutes_more_and_stops(client, alice, workshop):
    client.force_login(alice)
    timer(client, workshop, action="more")  # none running: five from now
    assert datetime.timedelta(minutes=4) < left(workshop) <= datetime.timedelta(minutes=5)
    timer(client, workshop, action="start", minutes="10")
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "+5 min" in html and "Stop timer" in html
    timer(client, workshop, action="more")
    assert datetime.timedelta(minutes=14) < left(workshop) <= datetime.timedelta(minutes=15)
    timer(client, workshop, action="stop")
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None
    assert "+5 min" not in client.get(workshop.get_absolute_url()).content.decode()


def test_an_expired_timer_is_gone_in_the_next_phase(client, alice, workshop):
    client.force_login(alice)
    timer(client, workshop, action="start", minutes="1")
    client.post(reverse("workshops:change-phase", args=[workshop.pk]), {"phase": Phase.PLENARY})
    workshop.refresh_from_db()
    assert workshop.timer_ends_at is None


def test_the_timer_error_is_in_english_too(client, alice, workshop):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    html = timer(client, workshop, action="start", minutes="500").content.decode()
    assert "Choose between 1 and 180 minutes." in html


@pytest.mark.parametrize(
    "data", [{"phase": "bogus"}, {}, {"minutes": "-5"}, {"minutes": "x"}, {"action": "x"}]
)
def test_bad_control_input_changes_nothing(client, alice, workshop, data):
    client.force_login(alice)
    client.post(reverse("workshops:change-phase", args=[workshop.pk]), data)
    client.post(reverse("workshops:start-timer", args=[workshop.pk]), data)
    workshop.refresh_from_db()
    assert (workshop.phase, workshop.timer_ends_at) == (Phase.INTRO, None)


def test_closing_asks_first_and_says_what_it_does(client, alice, workshop):
    client.force_login(alice)
    url = reverse("workshops:close", args=[workshop.pk])
    dashboard = client.get(workshop.get_absolute_url()).content.decode()
    assert f'href="{url}">Luk workshoppen</a>' in dashboard
    for asked in (client.get(url), client.post(url)):  # an old page's form asks too
        html = asked.content.decode()
        assert "<h1>Luk workshoppen?</h1>" in html
        assert "slettes 90 dage efter lukningen" in html
        assert 'name="confirmed"' in html
    workshop.refresh_from_db()
    assert workshop.phase == Phase.INTRO and workshop.closed_at is None


def test_a_closed_workshop_opens_again_until_its_notes_are_purged(client, alice, held, hanne):
    client.force_login(alice)
    reopen = reverse("workshops:reopen", args=[held.pk])
    dashboard = client.get(held.get_absolute_url()).content.decode()
    assert f'action="{reopen}"' in dashboard
    client.post(reopen)
    held.refresh_from_db()
    assert (held.phase, held.closed_at) == (Phase.PLENARY, None)
    # HR's report counts closed workshops only: not this one until it is closed again.
    client.force_login(hanne)
    assert held.title not in client.get(reverse("workshops:report")).content.decode()
    client.force_login(alice)
    client.post(reverse("workshops:close", args=[held.pk]), {"confirmed": "on"})
    held.refresh_from_db()
    assert held.phase == Phase.CLOSED and held.closed_at is not None
    client.force_login(hanne)
    assert held.title in client.get(reverse("workshops:report")).content.decode()
    # Once the notes are gone, what closed stays closed.
    client.force_login(alice)
    domain.purge_notes(closed_before=held.closed_at + datetime.timedelta(seconds=1))
    assert "Genåbn workshoppen" not in client.get(held.get_absolute_url()).content.decode()
    client.post(reopen)
    held.refresh_from_db()
    assert held.phase == Phase.CLOSED


def test_close_makes_the_workshop_read_only(client, alice, workshop):
    client.force_login(alice)
    client.post(reverse("workshops:close", args=[workshop.pk]), {"confirmed": "on"})
    workshop.refresh_from_db()
    assert workshop.phase == Phase.CLOSED and workshop.closed_at is not None
    client.post(reverse("workshops:change-phase", args=[workshop.pk]), {"phase": Phase.DISCUSSION})
    workshop.refresh_from_db()
    assert workshop.phase == Phase.CLOSED


def test_projector_presents_the_duties_one_per_screen(client, alice, workshop):
    client.force_login(alice)
    html = client.get(
        reverse("workshops:projector", args=[workshop.pk]) + "?position=2"
    ).content.decode()
    assert "<h1>Sandhed</h1>" in html
    assert 'rel="prev" href="?position=1"' in html
    assert 'rel="next" href="?position=3"' in html
    assert 'class="projector"' in html


def test_projector_presents_the_leadership_point_in_focus(client, alice, content):
    point = Point.objects.get_by_natural_key(Codex.LEADERSHIP, 9)
    workshop = make_workshop(alice, format=Format.LEDERTEAM, focus_point=point, pool=[])
    client.force_login(alice)
    html = client.get(reverse("workshops:projector", args=[workshop.pk])).content.decode()
    assert f"<h1>{point.title}</h1>" in html
    assert 'rel="next"' not in html


def test_projector_shows_one_group_in_plenary(client, alice, workshop, group2):
    case = workshop.pool.get(number=7)
    domain.choose_case(group2, case=case)
    domain.set_tag(group2, point=Point.objects.get_by_natural_key(Codex.DUTIES, 2), on=True)
    domain.save_text(group2, SharedText.CONCLUSION, text="Vi ville sige det til chefen.", version=0)
    domain.set_phase(workshop, phase=Phase.PLENARY)
    client.force_login(alice)
    html = client.get(
        reverse("workshops:projector", args=[workshop.pk]) + "?position=2"
    ).content.decode()
    assert f"<h1>{case.title}</h1>" in html
    assert "2. Sandhed" in html
    assert "Vi ville sige det til chefen." in html


@pytest.mark.parametrize("position", ["0", "-1", "99", "abc"])
def test_projector_survives_bad_positions(client, alice, workshop, position):
    client.force_login(alice)
    assert (
        client.get(
            reverse("workshops:projector", args=[workshop.pk]), {"position": position}
        ).status_code
        == 200
    )


def test_case_choice_from_another_organisation_is_impossible(content, alice, charlie):
    foreign = Case.objects.create(
        codex=Codex.objects.get(slug=Codex.DUTIES),
        organisation=charlie.organisation,
        title="Odders case",
        situation="…",
    )
    from workshops.forms import WorkshopForm

    form = WorkshopForm(
        {"title": "X", "date": "2026-12-01", "group_names": "A", "pool_cases": [foreign.pk]},
        format=Format.CUSTOM,
        organisation=alice.organisation,
    )
    assert not form.is_valid()
    assert "pool_cases" in form.errors


def test_dashboard_shows_each_change_and_each_facilitator_their_own_page(
    client, alice, aarhus, workshop, group1
):
    client.force_login(alice)
    first = client.get(workshop.get_absolute_url()).content.decode()
    assert "0 deltagere" in first and "Log ud (alice)" in first
    join(workshop, group1)
    domain.set_tag(group1, point=Point.objects.get_by_natural_key(Codex.DUTIES, 4), on=True)
    second = client.get(workshop.get_absolute_url()).content.decode()
    assert "1 deltager" in second and "4. Udvikling og samarbejde" in second
    colleague = Client()
    colleague.force_login(
        User.objects.create_user("dorthe", organisation=aarhus, role=User.Role.FACILITATOR)
    )
    theirs = colleague.get(workshop.get_absolute_url()).content.decode()
    assert "Log ud (dorthe)" in theirs and "Log ud (alice)" not in theirs
    assert csrf_token_in(theirs) != csrf_token_in(second)


def test_the_projector_shows_the_room_how_to_join(client, alice, workshop):
    client.force_login(alice)
    url = reverse("workshops:projector-join", args=[workshop.pk])
    assert (
        f'href="{url}">Vis på projektoren</a>'
        in client.get(workshop.get_absolute_url()).content.decode()
    )
    html = client.get(url).content.decode()
    assert f'<p class="join-code join-code-large">{workshop.display_code}</p>' in html
    assert "<strong>testserver/deltag/</strong>" in html
    assert f'src="{reverse("workshops:join-qr", args=[workshop.pk])}"' in html
    assert 'class="projector"' in html
    domain.set_phase(workshop, phase=Phase.CLOSED)
    html = client.get(url).content.decode()
    assert workshop.display_code not in html
    assert "koden virker ikke længere" in html


def test_the_dashboard_alone_shows_the_names_participants_gave(client, alice, workshop, group1):
    join(workshop, group1, "Mette")
    join(workshop, group1, "")
    join(workshop, group1, "Jonas <b>")
    client.force_login(alice)
    html = client.get(workshop.get_absolute_url()).content.decode()
    row = html.split('id="group-1"')[1].split("</th>")[0]
    assert '(3)</span><span class="member-names">Mette, Jonas &lt;b&gt;</span>' in row
    domain.set_phase(workshop, phase=Phase.CLOSED)
    summary = client.get(reverse("workshops:summary", args=[workshop.pk])).content.decode()
    assert "Mette" not in summary and "Jonas" not in summary


def test_deleting_names_what_goes_and_then_it_is_gone(client, alice, hanne, held):
    client.force_login(alice)
    url = reverse("workshops:delete", args=[held.pk])
    assert (
        f'href="{url}">Slet workshoppen</a>' in client.get(held.get_absolute_url()).content.decode()
    )
    asked = client.get(url).content.decode()
    assert "<h1>Slet workshoppen?</h1>" in asked
    assert "2 grupper med deres cases og tags (4 tags)" in asked
    assert "3 deltagere og de navne, der blev givet" in asked
    client.post(url)  # without the confirmation nothing happens
    assert Workshop.objects.filter(pk=held.pk).exists()
    client.force_login(hanne)
    assert "Introforløb november" in client.get(reverse("workshops:report")).content.decode()

    client.force_login(alice)
    response = client.post(url, {"confirmed": "on"}, follow=True)
    assert "“Introforløb november” er slettet." in response.content.decode()
    assert not Workshop.objects.filter(pk=held.pk).exists()
    assert not Group.objects.filter(workshop_id=held.pk).exists()
    assert not Participant.objects.filter(workshop_id=held.pk).exists()
    assert not Revision.objects.filter(group__workshop_id=held.pk).exists()
    client.force_login(hanne)
    report = client.get(reverse("workshops:report")).content.decode()
    assert "Introforløb november" not in report


def test_a_workshop_is_copied_with_its_set_up_and_nothing_that_happened(client, alice, held):
    client.force_login(alice)
    response = client.post(reverse("workshops:duplicate", args=[held.pk]))
    copy = Workshop.objects.exclude(pk=held.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert copy.title == "Kopi af Introforløb november"
    assert (copy.format, copy.codex, copy.own_dilemmas, copy.private_tagging) == (
        held.format,
        held.codex,
        held.own_dilemmas,
        held.private_tagging,
    )
    assert copy.date == datetime.date.today() and copy.phase == Phase.INTRO
    assert list(copy.pool.all()) == list(held.pool.all())
    assert [g.name for g in copy.groups.all()] == [g.name for g in held.groups.all()]
    assert copy.join_code != held.join_code
    assert not copy.participants.exists()
    for group in copy.groups.all():
        assert (group.case, group.notes, group.conclusion, group.own_title) == (None, "", "", "")
        assert not group.tags.exists() and not group.revisions.exists()


def test_the_projector_polls_for_the_timer_and_reloads_for_a_new_phase(client, alice, workshop):
    client.force_login(alice)
    url = reverse("workshops:projector", args=[workshop.pk])
    page = client.get(url).content.decode()
    poll = f"{url}?fase=intro"
    assert f'hx-get="{poll}"' in page
    first = client.get(poll, headers=HTMX)
    assert 'id="projector-timer"' in first.content.decode()
    assert "Tid tilbage" not in first.content.decode()
    # Groups at work leave the projector alone: 304.
    domain.save_text(workshop.groups.first(), SharedText.NOTES, text="Noter", version=0)
    same = client.get(poll, headers={**HTMX, "If-None-Match": first["ETag"]})
    assert same.status_code == 304
    domain.set_timer(workshop, minutes=10)
    timed = client.get(poll, headers={**HTMX, "If-None-Match": first["ETag"]})
    assert timed.status_code == 200
    assert "Tid tilbage" in timed.content.decode()
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    assert client.get(poll, headers=HTMX)["HX-Refresh"] == "true"


def test_another_organisation_s_projector_poll_is_refused(client, charlie, workshop):
    client.force_login(charlie)
    url = reverse("workshops:projector", args=[workshop.pk]) + "?fase=intro"
    response = client.get(url, headers=HTMX)
    assert response.status_code == 404
    assert workshop.title.encode() not in response.content


def guide_url(codex: str, slug: str, section: str = "") -> str:
    return reverse("kodeks:guide", args=[codex, slug]) + (f"#{section}" if section else "")


def projector_guide_url(workshop: Workshop, slug: str, section: str = "") -> str:
    url = reverse("workshops:projector-guide", args=[workshop.pk, slug])
    return url + (f"#{section}" if section else "")


def guidance_section(html: str) -> str:
    return html.split('id="guidance-heading"')[1].split("</section>")[0]


FITTING_GUIDANCE = {
    Format.ONBOARDING: [
        ("7-pligter-for-embedsvaerkets-arbejde", "", "7 pligter for embedsværkets arbejde"),
        (
            "det-lokale-arbejde-med-kodeks",
            "et-ledelsesansvar-at-sikre-kendskab-til-kodeks",
            "Et ledelsesansvar at sikre kendskab til kodeks",
        ),
    ],
    Format.SPARRING: [
        (
            "det-lokale-arbejde-med-kodeks",
            "thisted-kommune-droefter-dilemmaer-i-chef-og-direktoergruppen",
            "Thisted Kommune drøfter dilemmaer i chef- og direktørgruppen",
        ),
        ("cases-om-embedsmandspligter", "", "Cases om embedsmandspligter"),
    ],
    Format.LEDERTEAM: [
        ("den-gode-proces", "", "Den gode proces"),
        (
            "praktisk-anvendelse",
            "saet-ledelse-paa-dagsordenen-i-lederteamet",
            "Sæt ledelse på dagsordenen i lederteamet",
        ),
        ("praktisk-anvendelse", "inviter-kodeks-ind-i-sproget", "Inviter kodeks ind i sproget"),
    ],
}


@pytest.mark.parametrize("format", FITTING_GUIDANCE)
def test_dashboard_links_the_guidance_that_fits_the_format(client, alice, content, format):
    options = {}
    if format == Format.LEDERTEAM:
        options = {"focus_point": Point.objects.get_by_natural_key(Codex.LEADERSHIP, 1)}
    workshop = make_workshop(alice, format=format, **options)
    codex = workshop.codex.slug
    client.force_login(alice)
    section = guidance_section(client.get(workshop.get_absolute_url()).content.decode())
    links = re.findall(r'<a id="guidance-\d+" href="([^"]+)" lang="da">([^<]+)</a>', section)
    assert links == [
        (guide_url(codex, slug, anchor), title) for slug, anchor, title in FITTING_GUIDANCE[format]
    ]
    for slug, anchor, _title in FITTING_GUIDANCE[format]:
        assert f'href="{projector_guide_url(workshop, slug, anchor)}"' in section
    assert section.count("Vis på projektoren") == len(FITTING_GUIDANCE[format])


def test_every_section_the_formats_link_is_on_its_guide_page(client, content):
    for format, guidance in FITTING_GUIDANCE.items():
        codex = domain.FORMAT_DEFAULTS[format].codex_slug
        for slug, anchor, title in guidance:
            html = client.get(guide_url(codex, slug)).content.decode()
            if anchor:
                assert f'id="{anchor}">{title}</h' in html
            else:
                assert f"<h1>{title}</h1>" in html


def test_a_custom_workshop_links_all_of_its_codex_s_guide(client, alice, content):
    workshop = make_workshop(alice, format=Format.CUSTOM)
    client.force_login(alice)
    section = guidance_section(client.get(workshop.get_absolute_url()).content.decode())
    for page in workshop.codex.guides.all():
        assert f'href="{page.get_absolute_url()}" lang="da">{page.title}</a>' in section
        assert f'href="{projector_guide_url(workshop, page.slug)}"' in section


def test_a_format_whose_guidance_is_from_another_codex_links_the_workshop_s_own(
    client, alice, content
):
    point = Point.objects.get_by_natural_key(Codex.LEADERSHIP, 3)
    workshop = make_workshop(alice, format=Format.ONBOARDING, focus_point=point, pool=[])
    client.force_login(alice)
    section = guidance_section(client.get(workshop.get_absolute_url()).content.decode())
    assert "7 pligter for embedsværkets arbejde" not in section
    assert section.count("Vis på projektoren") == workshop.codex.guides.count()
    assert f'href="{guide_url(Codex.LEADERSHIP, "den-gode-proces")}"' in section


def test_projector_presents_a_guide_page_in_large_type(client, alice, workshop):
    client.force_login(alice)
    url = projector_guide_url(workshop, "det-lokale-arbejde-med-kodeks")
    html = client.get(url).content.decode()
    assert 'class="projector"' in html
    assert '<h1 lang="da">Det lokale arbejde med kodeks</h1>' in html
    assert '<div class="slide-text guide" lang="da">' in html
    assert (
        '<h2 id="et-ledelsesansvar-at-sikre-kendskab-til-kodeks">'
        "Et ledelsesansvar at sikre kendskab til kodeks</h2>"
    ) in html
    assert "Den øverste administrative ledelse i kommunen har naturligvis" in html
    assert "Kollegasparring foregår i grupper af 3–5 personer." in html
    # The other guidance of the format is a click away, and so are the projector and dashboard.
    assert f'href="{projector_guide_url(workshop, "7-pligter-for-embedsvaerkets-arbejde")}"' in html
    assert f'href="{reverse("workshops:projector", args=[workshop.pk])}"' in html
    assert f'href="{workshop.get_absolute_url()}"' in html


def test_projector_guide_page_follows_the_dashboard_s_timer(client, alice, workshop):
    domain.set_timer(workshop, minutes=10)
    client.force_login(alice)
    html = client.get(projector_guide_url(workshop, "forord")).content.decode()
    assert "Tid tilbage" in html
    poll = reverse("workshops:projector", args=[workshop.pk]) + "?fase=intro"
    assert f'hx-get="{poll}"' in html


@pytest.mark.parametrize(
    ("codex", "slug"), [(Codex.LEADERSHIP, "den-gode-proces"), (Codex.DUTIES, "ukendt")]
)
def test_projector_shows_only_guide_pages_of_the_workshop_s_codex(
    client, alice, workshop, codex, slug
):
    client.force_login(alice)
    assert client.get(projector_guide_url(workshop, slug)).status_code == 404


def test_projector_guide_page_is_refused_to_outsiders(client, charlie, hanne, workshop, mette):
    url = projector_guide_url(workshop, "forord")
    for outsider, status in ((charlie, 404), (hanne, 403)):
        other = Client()
        other.force_login(outsider)
        assert other.get(url).status_code == status
    for visitor in (Client(), mette):
        response = visitor.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_projector_intro_links_the_guidance_for_the_facilitator(client, alice, workshop):
    client.force_login(alice)
    url = reverse("workshops:projector", args=[workshop.pk])
    html = client.get(url).content.decode()
    nav = html.split('id="guidance-nav-heading"')[1].split("</nav>")[0]
    for slug, anchor, title in FITTING_GUIDANCE[Format.ONBOARDING]:
        assert (
            f'<a href="{projector_guide_url(workshop, slug, anchor)}" lang="da">{title}</a>' in nav
        )
    domain.set_phase(workshop, phase=Phase.PLENARY)
    assert "guidance-nav" not in client.get(url).content.decode()


def test_guidance_is_in_english_around_danish_titles(client, alice, workshop):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    section = guidance_section(client.get(workshop.get_absolute_url()).content.decode())
    assert "Guide for the facilitator" in section
    assert "Show on the projector" in section
    assert 'section of <span lang="da">Det lokale arbejde med kodeks</span>' in section
