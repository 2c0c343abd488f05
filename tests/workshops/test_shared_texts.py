"""The group's shared texts: saves are merged with what others saved, never overwritten."""

from __future__ import annotations

import datetime
import json
from html import unescape

import pytest

from tests.factories import HTMX, join, kept_out_of, participant_of
from workshops import domain
from workshops.models import Group, Phase, Revision, SharedText

JSON = {"Accept": "application/json"}
TEXT_URLS = {
    SharedText.NOTES: "noter/",
    SharedText.CONCLUSION: "konklusion/",
    SharedText.OWN_SITUATION: "dilemma/",
}


def url(group: Group, action: str = "") -> str:
    return group.get_absolute_url() + action


def save(member, group: Group, text: str, version: int, field=SharedText.NOTES):
    return member.post(
        url(group, TEXT_URLS[field]), {"text": text, "version": version}, headers=JSON
    )


@pytest.fixture
def anders(workshop, group1):
    return join(workshop, group1, "Anders")


@pytest.fixture(params=list(SharedText))
def field(request, group1):
    """Each shared text; the own dilemma's once the group writes one."""
    if request.param == SharedText.OWN_SITUATION:
        domain.write_own_dilemma(group1, title="Budgetnotatet", situation="")
    return request.param


def stored(group: Group, field: SharedText) -> tuple[str, int]:
    group.refresh_from_db()
    return getattr(group, field.value), getattr(group, field.version_field)


def test_a_save_answers_with_the_text_and_its_revision(mette, workshop, group1, field):
    response = save(mette, group1, "Vi talte om loyalitet.", 0, field)
    assert response.status_code == 200
    assert response.json() == {"text": "Vi talte om loyalitet.", "version": 1, "merged": False}
    assert stored(group1, field) == ("Vi talte om loyalitet.", 1)
    revision = Revision.objects.get(group=group1, text_field=field)
    assert (revision.version, revision.text, revision.merged) == (
        1,
        "Vi talte om loyalitet.",
        False,
    )
    assert revision.participant == participant_of(mette, workshop)


def test_two_saves_from_the_same_revision_keep_both_texts(mette, anders, group1, field):
    first = save(mette, group1, "Mette skriver om loyalitet.", 0, field)
    second = save(anders, group1, "Anders skriver om ærlighed.", 0, field)
    assert (first.status_code, second.status_code) == (200, 200)
    merged = second.json()
    assert merged["version"] == 2 and merged["merged"] is True
    assert "Mette skriver om loyalitet." in merged["text"]
    assert "Anders skriver om ærlighed." in merged["text"]
    assert stored(group1, field) == (merged["text"], 2)


def test_edits_in_different_places_merge_silently(mette, anders, group1, field):
    save(mette, group1, "Vi talte om loyalitet.", 0, field)
    save(mette, group1, "Vi talte længe om loyalitet.", 1, field)
    answer = save(anders, group1, "Vi talte om loyalitet og åbenhed.", 1, field).json()
    assert answer["text"] == "Vi talte længe om loyalitet og åbenhed."
    assert [revision.merged for revision in Revision.objects.filter(group=group1)] == [
        False,
        False,
        True,
    ]


def test_the_colleague_who_keeps_typing_after_a_save_loses_nobodys_words(mette, anders, group1):
    """The sequence that lost words: the first member saves; the second, whose page still
    showed the empty notes, types and saves; then types three more words from the merged
    text the answer gave the page."""
    save(mette, group1, "Chefen bad om tallene", 0)
    answer = save(anders, group1, "Vi skal tale med juristen", 0).json()
    assert answer["version"] == 2
    answer = save(anders, group1, answer["text"] + " inden mødet i morgen", 2).json()
    notes, version = stored(group1, SharedText.NOTES)
    assert version == 3
    typed = "Chefen bad om tallene Vi skal tale med juristen inden mødet i morgen"
    for word in typed.split():
        assert word in notes.split()
    assert answer["text"] == notes


def test_saving_the_text_the_group_already_has_makes_no_new_revision(mette, group1):
    save(mette, group1, "Samme tekst", 0)
    assert save(mette, group1, "Samme tekst", 1).json()["version"] == 1
    assert Revision.objects.filter(group=group1).count() == 1


def test_a_save_from_a_revision_that_never_existed_keeps_both_texts(mette, anders, group1):
    save(mette, group1, "Det gemte", 0)
    answer = save(anders, group1, "Det nye", 99).json()
    assert "Det gemte" in answer["text"] and "Det nye" in answer["text"]


def test_without_javascript_the_form_saves_and_shows_the_merged_page(mette, anders, group1):
    mette.post(url(group1, "noter/"), {"text": "Mettes tekst", "version": 0})
    response = anders.post(url(group1, "noter/"), {"text": "Anders' tekst", "version": 0})
    assert response.status_code == 302 and response["Location"] == url(group1)
    html = anders.get(url(group1)).content.decode()
    textarea = html.split('id="id_notes"')[1].split("</textarea>")[0]
    assert "Mettes tekst" in textarea and "Anders&#x27; tekst" in textarea
    assert 'name="version" value="2"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "x"}, "Dette felt er påkrævet."),
        ({"text": "x", "version": "abc"}, "Indtast et heltal."),
        ({"text": "x" * 20_001, "version": 0}, "må højst have 20000 tegn"),
    ],
)
def test_bad_input_is_refused_in_danish_and_keeps_the_text(mette, group1, data, message):
    answer = mette.post(url(group1, "noter/"), data, headers=JSON)
    assert answer.status_code == 400 and message in answer.json()["error"]
    page = mette.post(url(group1, "noter/"), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html
    assert data["text"][:100] in html.split('id="id_notes"')[1].split("</textarea>")[0]
    assert stored(group1, SharedText.NOTES) == ("", 0)


def test_the_own_dilemmas_text_is_only_saved_while_the_group_has_one(mette, group1, workshop):
    domain.choose_case(group1, case=workshop.pool.first())
    answer = save(mette, group1, "Chefen vil have tallene pyntet.", 0, SharedText.OWN_SITUATION)
    assert answer.status_code == 400
    assert answer.json()["error"] == "Gruppen drøfter ikke længere sit eget dilemma."
    assert stored(group1, SharedText.OWN_SITUATION) == ("", 0)


def test_a_save_in_a_closed_workshop_is_refused(mette, group1, workshop, field):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    assert save(mette, group1, "For sent", 0, field).status_code == 403
    assert stored(group1, field) == ("", 0)


@pytest.mark.parametrize("visitor", ["jonas", "sofie", "client"])
def test_a_save_by_an_outsider_is_refused_and_changes_nothing(request, group1, field, visitor):
    """Another group's member, another workshop's and a visitor without a group."""
    outsider = request.getfixturevalue(visitor)
    assert kept_out_of(save(outsider, group1, "Indtrængende", 0, field), group1)
    assert stored(group1, field) == ("", 0)
    assert not Revision.objects.filter(group=group1).exists()


def test_a_save_is_the_membership_a_locked_read_the_update_and_the_revision(
    mette, group1, django_assert_max_num_queries
):
    # Savepoints around the transaction come on top, as the test runs inside one.
    with django_assert_max_num_queries(6):
        assert save(mette, group1, "Kort", 0).json()["version"] == 1


def shared_texts_in(html: str) -> dict:
    live = html.split('<div id="live"')[1].split(">")[0]
    return json.loads(unescape(live.split('data-shared-texts="')[1].split('"')[0]))


def test_the_poll_brings_the_others_saves_to_every_member(mette, anders, group1):
    poll = url(group1) + "?fase=intro&dilemma="
    etag = anders.get(poll, headers=HTMX)["ETag"]
    save(mette, group1, "Vi spørger juristen", 0)
    response = anders.get(poll, headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    texts = shared_texts_in(response.content.decode())
    assert texts["notes"] == {"text": "Vi spørger juristen", "version": 1}
    assert texts["conclusion"] == {"text": "", "version": 0}


def test_revisions_go_with_the_texts_when_they_are_purged(mette, group1, workshop):
    save(mette, group1, "Karen sagde noget om Hansen.", 0)
    domain.set_phase(workshop, phase=Phase.CLOSED)
    workshop.refresh_from_db()
    domain.purge_notes(closed_before=workshop.closed_at + datetime.timedelta(days=1))
    assert not Revision.objects.filter(group=group1).exists()
    assert stored(group1, SharedText.NOTES)[0] == ""
