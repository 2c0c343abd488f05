"""Changing a workshop after it was set up, and the organisation's own templates."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case
from kodeks.models import Codex
from tests.factories import HTMX, duty, join, make_workshop, participant_of
from workshops import domain
from workshops.models import Format, Group, Phase, SharedText, Workshop, WorkshopTemplate


@pytest.fixture
def facilitator(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def edit_url(workshop: Workshop) -> str:
    return reverse("workshops:edit", args=[workshop.pk])


def form_data(workshop: Workshop, **changes) -> dict:
    """The edit form as it comes, with `changes`."""
    data = {
        "title": workshop.title,
        "date": workshop.date.isoformat(),
        "pool_cases": [case.pk for case in workshop.pool.all()],
        "own_dilemmas": "on" if workshop.own_dilemmas else "",
        "series_name": "",
        "new_groups": "",
    }
    for group in workshop.groups.all():
        data[f"group_{group.pk}"] = group.name
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_edit_form_starts_from_the_workshop(facilitator, workshop):
    html = facilitator.get(edit_url(workshop)).content.decode()
    assert f'value="{workshop.title}"' in html
    assert 'value="2026-11-25"' in html
    for group in workshop.groups.all():
        assert f'name="group_{group.pk}"' in html
        assert f'value="{group.name}"' in html
    # The pool as it is: its cases ticked, the others not.
    pool = set(workshop.pool.values_list("pk", flat=True))
    for case in Case.objects.public():
        box = re.search(rf'<input type="checkbox" name="pool_cases" value="{case.pk}"[^>]*>', html)
        assert ("checked" in box.group(0)) == (case.pk in pool), case


def test_renaming_adding_and_retitling_reach_the_phones_within_one_poll(
    facilitator, workshop, group1, group2, mette
):
    page = mette.get(group1.get_absolute_url()).content.decode()
    poll = re.search(r'hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    extra = Case.objects.public().filter(listed_under__number=3).first()
    response = facilitator.post(
        edit_url(workshop),
        form_data(
            workshop,
            title="Introdag for nye",
            **{f"group_{group1.pk}": "Bordet ved vinduet"},
            new_groups="Gruppe 3\nGruppe 4",
            pool_cases=[*workshop.pool.values_list("pk", flat=True), extra.pk],
        ),
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Introdag for nye"
    assert list(workshop.groups.values_list("name", flat=True)) == [
        "Bordet ved vinduet",
        "Gruppe 2",
        "Gruppe 3",
        "Gruppe 4",
    ]
    assert extra in workshop.pool.all()
    # The phone's next poll reloads its page, which shows the new names and the new case.
    assert mette.get(poll, headers=HTMX)["HX-Refresh"] == "true"
    page = mette.get(group1.get_absolute_url()).content.decode()
    assert "<h1>Bordet ved vinduet</h1>" in page
    assert "Introdag for nye" in page
    assert extra.title in page


def test_an_unchanged_poll_is_not_reloaded(mette, group1):
    page = mette.get(group1.get_absolute_url()).content.decode()
    poll = re.search(r'hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "opsaetning=1" in poll
    assert "HX-Refresh" not in mette.get(poll, headers=HTMX)


def test_only_an_empty_group_can_be_removed(facilitator, workshop, group1, group2, mette):
    html = facilitator.get(edit_url(workshop)).content.decode()
    # Mette is in group 1: it offers no removal; group 2 is empty and does.
    assert f'name="remove_{group1.pk}"' not in html
    assert f'name="remove_{group2.pk}"' in html
    # A forged removal of the group with a member removes nothing.
    facilitator.post(
        edit_url(workshop),
        form_data(workshop, **{f"remove_{group1.pk}": "on", f"remove_{group2.pk}": "on"}),
    )
    assert list(workshop.groups.values_list("name", flat=True)) == ["Gruppe 1"]
    assert participant_of(mette, workshop).group == group1


def test_a_group_someone_joined_meanwhile_stays(workshop, group2):
    """The form offered the removal while group 2 was empty; then someone joined."""
    join(workshop, group2, "Sent ankommet")
    setup = domain.Setup(title="X", date=workshop.date, pool=[], own_dilemmas=True)
    domain.edit_workshop(workshop, setup, renamed={}, removed={group2.pk}, added=[])
    assert workshop.groups.filter(pk=group2.pk).exists()


def test_a_group_with_written_notes_cannot_be_removed(facilitator, workshop, group2):
    domain.save_text(group2, SharedText.NOTES, text="Noter", version=0)
    html = facilitator.get(edit_url(workshop)).content.decode()
    assert f'name="remove_{group2.pk}"' not in html


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"new_groups": "Gruppe 2"}, "To grupper har samme navn."),
        ({"title": ""}, "Dette felt er påkrævet."),
        ({"date": "1. december"}, "Indtast en gyldig dato."),
        ({"new_groups": "x" * 101}, "Et gruppenavn må højst være 100 tegn."),
        (
            {"pool_cases": [], "own_dilemmas": ""},
            "Vælg mindst én case eller pligt, eller tillad egne dilemmaer.",
        ),
    ],
)
def test_bad_edits_say_what_is_wrong_and_keep_what_was_typed(
    facilitator, workshop, group1, changes, error
):
    data = form_data(workshop, **{f"group_{group1.pk}": "Mit nye navn"}, **changes)
    response = facilitator.post(edit_url(workshop), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert 'value="Mit nye navn"' in html
    group1.refresh_from_db()
    assert group1.name == "Gruppe 1"


def test_removing_every_group_is_refused(facilitator, workshop, group1, group2):
    data = form_data(workshop, **{f"remove_{group1.pk}": "on", f"remove_{group2.pk}": "on"})
    html = facilitator.post(edit_url(workshop), data).content.decode()
    assert "En workshop skal have mindst én gruppe." in html
    assert workshop.groups.count() == 2


def test_settings_change_and_the_tags_stay(facilitator, workshop, group1):
    domain.set_tag(group1, point=duty(2), on=True)
    facilitator.post(
        edit_url(workshop),
        form_data(workshop, private_tagging="on", group_change_open="on", series_name="Hold A"),
    )
    workshop.refresh_from_db()
    assert (workshop.private_tagging, workshop.group_change_open) == (True, True)
    assert workshop.series.name == "Hold A"
    assert list(group1.tags.values_list("number", flat=True)) == [2]


def test_a_closed_workshop_is_not_edited(facilitator, workshop):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    response = facilitator.post(edit_url(workshop), form_data(workshop, title="Efter lukning"))
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Introforløb"
    page = facilitator.get(response["Location"]).content.decode()
    assert "En lukket workshop kan ikke ændres. Genåbn den først." in page


def test_another_organisation_cannot_edit(charlie, workshop):
    client = Client()
    client.force_login(charlie)
    assert client.get(edit_url(workshop)).status_code == 404
    assert client.post(edit_url(workshop), form_data(workshop, title="Odder")).status_code == 404
    workshop.refresh_from_db()
    assert workshop.title == "Introforløb"


# Templates -----------------------------------------------------------------------------------


def test_a_workshop_saved_as_a_template_sets_up_the_next_one(facilitator, alice, content):
    leadership = Case.objects.public().filter(codex__slug=Codex.LEADERSHIP)[:2]
    source = make_workshop(
        alice,
        format=Format.LEDERTEAM,
        focus_point=leadership[0].points.first(),
        pool=list(leadership),
        groups=3,
        private_tagging=True,
    )
    source.groups.filter(position=3).update(name="Ledergruppen")
    response = facilitator.post(
        reverse("workshops:save-template", args=[source.pk]), {"name": "Ledermøde, kvartal"}
    )
    assert response.status_code == 302
    template = WorkshopTemplate.objects.get(name="Ledermøde, kvartal")
    assert template.organisation == alice.organisation

    listing = facilitator.get(reverse("workshops:list")).content.decode()
    create_url = reverse("workshops:create") + f"?skabelon={template.pk}"
    assert f'href="{create_url}"' in listing
    assert "Skabelon: Ledermøde, kvartal" in listing

    form = facilitator.get(create_url).content.decode()
    assert "Ny workshop fra skabelonen “Ledermøde, kvartal”" in form
    assert "Gruppe 1\nGruppe 2\nLedergruppen" in form
    assert 'name="private_tagging" id="id_private_tagging" checked' in form
    for case in leadership:
        box = re.search(rf'<input type="checkbox" name="pool_cases" value="{case.pk}"[^>]*>', form)
        assert "checked" in box.group(0)

    # Created as it comes, with nothing touched: the template's set-up, nothing of its past.
    domain.save_text(source.groups.first(), SharedText.NOTES, text="Gammelt", version=0)
    data = {
        "title": "Ledermøde, marts",
        "date": "2026-12-02",
        "group_names": "Gruppe 1\nGruppe 2\nLedergruppen",
        "focus_point": leadership[0].points.first().pk,
        "pool_cases": [case.pk for case in leadership],
        "private_tagging": "on",
    }
    response = facilitator.post(create_url, data)
    made = Workshop.objects.get(title="Ledermøde, marts")
    assert response["Location"] == made.get_absolute_url()
    assert made.format == Format.LEDERTEAM
    assert set(made.pool.all()) == set(leadership)
    assert made.private_tagging
    assert list(made.groups.values_list("name", "notes")) == [
        ("Gruppe 1", ""),
        ("Gruppe 2", ""),
        ("Ledergruppen", ""),
    ]


def test_saving_a_template_twice_under_one_name_replaces_it(facilitator, workshop):
    url = reverse("workshops:save-template", args=[workshop.pk])
    facilitator.post(url, {"name": "Fast opsætning"})
    workshop.groups.filter(position=2).update(name="Anden gruppe")
    facilitator.post(url, {"name": "Fast opsætning"})
    template = WorkshopTemplate.objects.get(name="Fast opsætning")
    assert template.group_names == ["Gruppe 1", "Anden gruppe"]


def test_a_template_without_a_name_is_refused_with_a_reason(facilitator, workshop):
    url = reverse("workshops:save-template", args=[workshop.pk])
    html = facilitator.post(url, {"name": "  "}).content.decode()
    assert "Dette felt er påkrævet." in html
    assert not WorkshopTemplate.objects.exists()


def test_templates_are_the_organisation_s_own(facilitator, charlie, workshop):
    theirs = WorkshopTemplate.objects.create(
        organisation=charlie.organisation, name="Odders skabelon", format=Format.SPARRING
    )
    listing = facilitator.get(reverse("workshops:list")).content.decode()
    assert "Odders skabelon" not in listing
    # Another organisation's template is no template here: the format's defaults instead.
    form = facilitator.get(reverse("workshops:create") + f"?skabelon={theirs.pk}")
    assert "Odders skabelon" not in form.content.decode()
    assert "Ny workshop: Onboarding" in form.content.decode()
    delete = reverse("workshops:delete-template", args=[theirs.pk])
    assert facilitator.post(delete).status_code == 404
    assert WorkshopTemplate.objects.filter(pk=theirs.pk).exists()


def test_a_template_is_deleted(facilitator, alice, workshop):
    template = domain.save_template(workshop, name="Væk")
    response = facilitator.post(reverse("workshops:delete-template", args=[template.pk]))
    assert response["Location"] == reverse("workshops:list")
    assert not WorkshopTemplate.objects.filter(pk=template.pk).exists()
    assert Group.objects.filter(workshop=workshop).count() == 2


def test_the_dashboard_says_what_was_just_done_once(facilitator, workshop):
    """A message is shown on the next whole dashboard, even when nothing in the workshop
    changed with it, and not again."""
    dashboard = reverse("workshops:dashboard", args=[workshop.pk])
    facilitator.get(dashboard)
    url = reverse("workshops:save-template", args=[workshop.pk])
    shown = facilitator.post(url, {"name": "Fast"}, follow=True).content.decode()
    assert "Skabelonen “Fast” er gemt." in shown
    assert "Skabelonen “Fast” er gemt." not in facilitator.get(dashboard).content.decode()
