"""A group's dilemma is chosen deliberately: once, for everyone, and changed only on purpose."""

from __future__ import annotations

import pytest

from tests.factories import HTMX, join
from workshops import domain
from workshops.models import Group, SharedText


def url(group: Group, action: str = "") -> str:
    return group.get_absolute_url() + action


@pytest.fixture
def anders(workshop, group1):
    return join(workshop, group1, "Anders")


def test_a_choice_from_a_page_that_showed_no_case_cannot_replace_a_colleagues(
    mette, anders, workshop, group1
):
    first, second = workshop.pool.all()[:2]
    mette.post(url(group1, "case/"), {"case": first.pk, "shown": ""})
    response = anders.post(url(group1, "case/"), {"case": second.pk, "shown": ""})
    assert response.status_code == 409
    html = response.content.decode()
    assert "En anden i gruppen valgte dilemma lige før dig." in html
    assert f'<h2 id="dilemma-heading">{first.title}</h2>' in html
    group1.refresh_from_db()
    assert group1.case == first


def test_changing_the_case_asks_first_and_keeps_the_notes(mette, anders, workshop, group1):
    first, second = workshop.pool.all()[:2]
    domain.choose_case(group1, case=first)
    domain.save_text(group1, SharedText.NOTES, text="Vi nåede langt", version=0)
    page = anders.get(url(group1)).content.decode()
    assert "Skift case" in page
    shown = str(first.pk)
    asked = anders.post(url(group1, "case/"), {"case": second.pk, "shown": shown})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Skift case?" in html and second.title in html and first.title in html
    group1.refresh_from_db()
    assert group1.case == first
    confirmed = {"case": second.pk, "shown": shown, "confirmed": "on"}
    assert anders.post(url(group1, "case/"), confirmed).status_code == 302
    group1.refresh_from_db()
    assert (group1.case, group1.notes) == (second, "Vi nåede langt")


def test_a_confirmed_change_from_an_old_page_is_refused(mette, anders, workshop, group1):
    first, second, third = workshop.pool.all()[:3]
    domain.choose_case(group1, case=first)
    domain.choose_case(group1, case=second, shown=str(first.pk))
    stale = {"case": third.pk, "shown": str(first.pk), "confirmed": "on"}
    assert anders.post(url(group1, "case/"), stale).status_code == 409
    group1.refresh_from_db()
    assert group1.case == second


def test_the_other_phones_reload_when_the_dilemma_changes(mette, anders, workshop, group1):
    poll = url(group1) + "?fase=intro&dilemma="
    assert anders.get(poll, headers=HTMX).status_code == 200
    mette.post(url(group1, "case/"), {"case": workshop.pool.first().pk, "shown": ""})
    response = anders.get(poll, headers=HTMX)
    assert response["HX-Refresh"] == "true"
    shown = f"?fase=intro&dilemma={workshop.pool.first().pk}"
    assert anders.get(url(group1) + shown, headers=HTMX).status_code == 200


def test_a_second_own_dilemma_keeps_the_first_and_the_typed_text(mette, anders, group1):
    data = {"own_title": "Budgetnotatet", "own_situation": "Tallene skal pyntes.", "shown": ""}
    mette.post(url(group1, "eget-dilemma/"), data)
    late = {"own_title": "Mødet", "own_situation": "Chefen lukkede mødet.", "shown": ""}
    response = anders.post(url(group1, "eget-dilemma/"), late)
    assert response.status_code == 409
    assert "Chefen lukkede mødet." in response.content.decode()
    group1.refresh_from_db()
    assert (group1.own_title, group1.own_situation) == ("Budgetnotatet", "Tallene skal pyntes.")
