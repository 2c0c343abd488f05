"""Who is on the group page and writing: counts only, never names."""

from __future__ import annotations

import datetime
from urllib.parse import unquote

import pytest
from django.utils import timezone

from tests.factories import HTMX, join, participant_of
from workshops import domain
from workshops.models import Group, Participant

JSON = {"Accept": "application/json"}


def poll(member, group: Group):
    return member.get(group.get_absolute_url() + "?fase=intro", headers=HTMX)


def presence_in(response) -> str:
    return unquote(response["Kodeks-Presence"])


@pytest.fixture
def anders(workshop, group1):
    return join(workshop, group1, "Anders")


def test_alone_on_the_page(mette, group1):
    assert presence_in(poll(mette, group1)) == "Kun dig på siden lige nu"


def test_each_member_sees_how_many_others_are_on_the_page(mette, anders, jonas, group1, group2):
    poll(mette, group1)
    poll(jonas, group2)  # another group's member does not count
    assert presence_in(poll(anders, group1)) == "Du og 1 anden i gruppen er på siden"
    html = mette.get(group1.get_absolute_url()).content.decode()
    assert "Du og 1 anden i gruppen er på siden" in html
    assert "Anders" not in html


def test_a_member_who_left_is_no_longer_counted(mette, anders, workshop, group1):
    poll(mette, group1)
    assert "1 anden" in presence_in(poll(anders, group1))
    gone = timezone.now() - datetime.timedelta(seconds=30)
    Participant.objects.filter(pk=participant_of(mette, workshop).pk).update(seen_at=gone)
    assert presence_in(poll(anders, group1)) == "Kun dig på siden lige nu"


def test_others_who_just_saved_are_writing(mette, anders, group1):
    poll(mette, group1)
    url = group1.get_absolute_url() + "noter/"
    mette.post(url, {"text": "Vi skriver", "version": 0}, headers=JSON)
    assert presence_in(poll(anders, group1)).endswith(" · 1 anden skriver")
    # Not to the one who wrote.
    assert "skriver" not in presence_in(poll(mette, group1))


def test_an_unchanged_poll_still_tells_who_came(mette, anders, group1):
    """Someone opening the page changes no one's live section: it is not fetched again."""
    first = poll(mette, group1)
    assert presence_in(first) == "Kun dig på siden lige nu"
    assert 'id="presence"' not in first.content.decode()
    poll(anders, group1)
    response = mette.get(
        group1.get_absolute_url() + "?fase=intro",
        headers={**HTMX, "If-None-Match": first["ETag"]},
    )
    assert response.status_code == 304
    assert presence_in(response) == "Du og 1 anden i gruppen er på siden"


def test_presence_is_said_in_english_too(mette, anders, group1):
    poll(anders, group1)
    mette.cookies["django_language"] = "en"
    assert presence_in(poll(mette, group1)) == "You and 1 other in the group are on the page"


def test_a_page_says_it_is_open_at_most_every_ten_seconds(mette, group1, django_assert_num_queries):
    poll(mette, group1)
    etag = poll(mette, group1)["ETag"]
    with django_assert_num_queries(1):
        poll_again = mette.get(
            group1.get_absolute_url() + "?fase=intro", headers={**HTMX, "If-None-Match": etag}
        )
    assert poll_again.status_code == 304


def test_pages_that_say_they_are_open_are_written_together(
    settings, mette, anders, workshop, group1, django_assert_num_queries
):
    """A server writes the marks of many phones in one UPDATE; a mark not written yet is
    asked again by the phone's next poll, and then counts."""
    settings.KODEKS_SEEN_WRITE_SECONDS = 60
    first = poll(mette, group1)  # the first mark of a while is written at once
    assert presence_in(first) == "Kun dig på siden lige nu"
    poll(anders, group1)  # waits for the next write
    anders_participant = participant_of(anders, workshop)
    assert Participant.objects.get(pk=anders_participant.pk).seen_at is None
    assert presence_in(poll(mette, group1)) == "Kun dig på siden lige nu"
    # The write is due: the next page that says so writes every mark waiting, in one UPDATE.
    domain.SEEN.next_write = 0.0
    with django_assert_num_queries(1):
        domain.mark_seen(anders_participant.pk)
    assert Participant.objects.get(pk=anders_participant.pk).seen_at is not None
    assert domain.SEEN.pending == set()
    assert presence_in(poll(mette, group1)) == "Du og 1 anden i gruppen er på siden"
