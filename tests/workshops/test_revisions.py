"""Every saved state of a shared text can be read and made the group's text again."""

from __future__ import annotations

import pytest

from tests.factories import kept_out_of, participant_of
from workshops import domain
from workshops.models import Group, Phase, Revision, SharedText


def url(group: Group, segment: str = "noter") -> str:
    return group.get_absolute_url() + f"versioner/{segment}/"


@pytest.fixture
def saved(group1):
    """Notes saved three times; the last save emptied them."""
    for version, text in enumerate(["Første udkast", "Andet udkast", ""]):
        domain.save_text(group1, SharedText.NOTES, text=text, version=version)
    return group1


def test_the_revisions_are_listed_newest_first_without_names(mette, saved):
    html = mette.get(url(saved)).content.decode()
    assert html.index("Andet udkast") < html.index("Første udkast")
    assert "den nuværende" in html
    assert html.count("Gendan teksten fra kl.") == 2
    assert "Mette" not in html


def test_restoring_makes_an_earlier_text_the_groups_again(mette, workshop, saved):
    response = mette.post(url(saved), {"version": 2})
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    saved.refresh_from_db()
    assert (saved.notes, saved.notes_version) == ("Andet udkast", 4)
    restored = Revision.objects.get(group=saved, text_field=SharedText.NOTES, version=4)
    assert restored.participant == participant_of(mette, workshop)
    # The emptied notes are a revision too, and can be restored in turn.
    assert mette.post(url(saved), {"version": 3}).status_code == 302
    saved.refresh_from_db()
    assert (saved.notes, saved.notes_version) == ("", 5)


@pytest.mark.parametrize("data", [{"version": 99}, {"version": "x"}, {}])
def test_restoring_a_revision_that_is_not_there_changes_nothing(mette, saved, data):
    assert mette.post(url(saved), data).status_code == 404
    saved.refresh_from_db()
    assert (saved.notes, saved.notes_version) == ("", 3)


def test_an_unknown_text_has_no_revisions(mette, saved):
    assert mette.get(url(saved, "andet")).status_code == 404


def test_a_closed_workshops_texts_are_read_but_not_restored(mette, workshop, saved):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    assert "Andet udkast" in mette.get(url(saved)).content.decode()
    assert mette.post(url(saved), {"version": 2}).status_code == 403
    saved.refresh_from_db()
    assert saved.notes == ""


@pytest.mark.parametrize("visitor", ["jonas", "sofie", "client"])
def test_outsiders_neither_read_nor_restore(request, saved, visitor):
    """Another group's member, another workshop's and a visitor without a group."""
    outsider = request.getfixturevalue(visitor)
    assert kept_out_of(outsider.get(url(saved)), saved)
    assert kept_out_of(outsider.post(url(saved), {"version": 2}), saved)
    saved.refresh_from_db()
    assert saved.notes == ""
