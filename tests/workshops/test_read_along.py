from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import CONCLUSION, HTMX, NOTES, count_queries, duty
from workshops import domain
from workshops.models import Group, Phase, SharedText


def read_along_url(group: Group) -> str:
    return reverse("workshops:read-along", args=[group.workshop_id, group.pk])


def polled_url(html: str) -> str:
    """The address the page's live section polls, with what it shows."""
    return html.split('hx-get="')[1].split('"')[0]


@pytest.fixture
def reading(client, alice, workshop, group1) -> Client:
    """Alice's browser, signed in, with group 1 of her workshop discussing a case."""
    domain.choose_case(group1, case=workshop.pool.get(number=1))
    client.force_login(alice)
    return client


def test_dashboard_links_each_group_to_its_read_along_page(reading, workshop, group1, group2):
    html = reading.get(workshop.get_absolute_url()).content.decode()
    for group in (group1, group2):
        row = html.split(f'id="group-{group.position}"')[1].split("</tr>")[0]
        assert f'<a id="read-along-{group.pk}" href="{read_along_url(group)}">Læs med</a>' in row


def test_read_along_shows_the_group_s_case_tags_notes_and_conclusion(reading, workshop, group1):
    domain.save_text(group1, SharedText.NOTES, text=NOTES, version=0)
    domain.save_text(group1, SharedText.CONCLUSION, text=CONCLUSION, version=0)
    domain.set_tag(group1, point=duty(3), on=True)
    domain.set_tag(group1, point=duty(1), on=True)
    html = reading.get(read_along_url(group1)).content.decode()
    assert "<h1>Gruppe 1 – læs med</h1>" in html
    assert f'<a href="{workshop.get_absolute_url()}">← Tilbage til oversigten</a>' in html
    assert workshop.pool.get(number=1).title in html
    assert html.index("1. Lovlighed") < html.index("3. Faglighed")
    # Read-only, line by line, and what the group typed is text, not markup.
    assert "<p>Vi talte om, hvem der skal vide hvad.<br>- Spørg juristen først<br>" in html
    assert "&lt;b&gt;med det samme&lt;/b&gt;" in html and "<b>" not in html
    assert "<textarea" not in html


def test_read_along_shows_a_group_s_own_dilemma(reading, group2):
    domain.write_own_dilemma(group2, title="Borgmesterens ønske", situation="En sag skal frem.")
    html = reading.get(read_along_url(group2)).content.decode()
    assert "<h1>Gruppe 2 – læs med</h1>" in html
    assert "Eget dilemma" in html and "Borgmesterens ønske" in html
    assert html.count("Intet skrevet endnu.") == 2


def test_read_along_is_english_on_request(reading, group1):
    reading.cookies["django_language"] = "en"
    html = reading.get(read_along_url(group1)).content.decode()
    assert "<h1>Gruppe 1 – reading along</h1>" in html
    assert "Back to the overview" in html


def test_read_along_polls_with_the_etag_of_what_it_shows(reading, group1):
    page = reading.get(read_along_url(group1))
    assert page.status_code == 200 and "ETag" not in page
    poll = reading.get(read_along_url(group1), headers=HTMX)
    html = poll.content.decode()
    assert html.lstrip().startswith('<div id="live" class="read-along"')
    assert f'data-etag="{escape(poll["ETag"])}"' in html
    assert f'data-etag="{escape(poll["ETag"])}"' in page.content.decode()
    assert 'hx-trigger="every 3s" hx-swap="outerHTML"' in html


def test_read_along_poll_answers_304_when_nothing_changed(
    reading, group1, django_assert_max_num_queries
):
    etag = reading.get(read_along_url(group1), headers=HTMX)["ETag"]
    # Django's session, its user, and the versions of the group and its workshop.
    with django_assert_max_num_queries(3):
        response = reading.get(read_along_url(group1), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 304


def test_read_along_poll_brings_what_a_member_saved(reading, group1, mette):
    etag = reading.get(read_along_url(group1), headers=HTMX)["ETag"]
    mette.post(group1.get_absolute_url() + "noter/", {"text": "Ring til juristen.", "version": 0})
    response = reading.get(read_along_url(group1), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert "<p>Ring til juristen.</p>" in response.content.decode()
    assert response["ETag"] != etag


def test_read_along_poll_follows_the_workshop_s_phase(reading, workshop, group1):
    etag = reading.get(read_along_url(group1), headers=HTMX)["ETag"]
    domain.set_phase(workshop, phase=Phase.DISCUSSION)
    response = reading.get(read_along_url(group1), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert "Fase: Drøftelse" in response.content.decode()


def test_read_along_poll_is_not_disturbed_by_other_groups(reading, group1, group2):
    etag = reading.get(read_along_url(group1), headers=HTMX)["ETag"]
    domain.save_text(group2, SharedText.NOTES, text="Gruppe 2 skriver.", version=0)
    domain.set_tag(group2, point=duty(2), on=True)
    response = reading.get(read_along_url(group1), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 304


def test_read_along_announces_new_tags_but_not_new_notes(reading, group1):
    page = reading.get(read_along_url(group1)).content.decode()
    assert '<p id="read-along-announcer" class="visually-hidden" aria-live="polite"></p>' in page

    domain.save_text(group1, SharedText.NOTES, text="Nye noter.", version=0)
    html = reading.get(polled_url(page), headers=HTMX).content.decode()
    assert "Nye noter." in html and "hx-swap-oob" not in html

    domain.set_tag(group1, point=duty(2), on=True)
    html = reading.get(polled_url(page), headers=HTMX).content.decode()
    announcer = html.split('<p id="read-along-announcer" hx-swap-oob="innerHTML">')[1]
    assert announcer.split("</p>")[0].endswith("Pligter i spil: Sandhed.")
    # The section the poll brought polls as showing the new tag: it is not announced again.
    domain.save_text(group1, SharedText.NOTES, text="Nye noter igen.", version=1)
    assert "hx-swap-oob" not in reading.get(polled_url(html), headers=HTMX).content.decode()


def test_closed_workshop_s_read_along_page_stops_polling(reading, workshop, group1):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    html = reading.get(read_along_url(group1)).content.decode()
    assert "hx-get" not in html and "data-etag" not in html
    assert "Fase: Lukket" in html


def test_read_along_queries_are_the_same_for_1_and_3_tags(
    reading, workshop, group1, group2, django_assert_num_queries
):
    domain.set_tag(group1, point=duty(1), on=True)
    for number in (1, 2, 3):
        domain.set_tag(group2, point=duty(number), on=True)
    queries = count_queries(reading, read_along_url(group1), headers=HTMX)
    with django_assert_num_queries(queries):
        reading.get(read_along_url(group2), headers=HTMX)


# Outsiders -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, group1):
    for headers in ({}, HTMX):
        response = client.get(read_along_url(group1), headers=headers)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_hr_may_not_read_along(client, hanne, group1):
    client.force_login(hanne)
    assert client.get(read_along_url(group1)).status_code == 403


def test_facilitator_of_another_organisation_gets_404(client, charlie, group1):
    client.force_login(charlie)
    for headers in ({}, HTMX):
        assert client.get(read_along_url(group1), headers=headers).status_code == 404


def test_group_of_another_workshop_gets_404_under_this_workshop(reading, workshop, other_workshop):
    foreign = other_workshop.groups.get(position=1)
    url = reverse("workshops:read-along", args=[workshop.pk, foreign.pk])
    for headers in ({}, HTMX):
        assert reading.get(url, headers=headers).status_code == 404
    # Under its own workshop the facilitator reads it.
    assert reading.get(read_along_url(foreign)).status_code == 200


def test_read_along_poll_with_a_known_etag_is_refused_to_outsiders(reading, charlie, hanne, group1):
    poll = {**HTMX, "If-None-Match": reading.get(read_along_url(group1), headers=HTMX)["ETag"]}
    for outsider, status in ((charlie, 404), (hanne, 403)):
        other = Client()
        other.force_login(outsider)
        assert other.get(read_along_url(group1), headers=poll).status_code == status


def test_read_along_refuses_posts(reading, group1):
    assert reading.post(read_along_url(group1)).status_code == 405
