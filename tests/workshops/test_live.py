"""What keeps the live pages fresh and cheap: versions, not clocks, and renders that are kept
by version in the shared cache, never by whatever a visitor puts in the address."""

from __future__ import annotations

import datetime
import threading
import tracemalloc
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kodeks.models import User
from tests.factories import HTMX, csrf_token_in, duty, join, make_workshop, participant_of
from workshops import domain
from workshops.models import Participant, SharedText, Workshop, dilemma_key


def dashboard_etag(client: Client, workshop: Workshop) -> str:
    return client.get(workshop.get_absolute_url(), headers=HTMX)["ETag"]


def poll(client: Client, url: str, etag: str) -> int:
    return client.get(url, headers={**HTMX, "If-None-Match": etag}).status_code


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_etag_changes_with_every_commit_whatever_their_order(content, alice):
    """A writes first and commits last, B commits in between: each commit is seen.

    On PostgreSQL the two transactions interleave so; on SQLite B waits for A's write lock,
    and A gives up waiting for B after a second and commits first.
    """
    workshop = make_workshop(alice)
    group_a, group_b = workshop.groups.all()

    def etag() -> str:
        return Workshop.objects.live_version(workshop.pk, organisation_id=alice.organisation_id)

    seen = [etag()]
    a_wrote, b_committed = threading.Event(), threading.Event()

    def a() -> None:
        try:
            with transaction.atomic():
                domain.set_tag(group_a, point=duty(1), on=True)
                a_wrote.set()
                b_committed.wait(timeout=1)
            seen.append(etag())
        finally:
            connection.close()

    def b() -> None:
        try:
            a_wrote.wait(timeout=5)
            domain.save_text(group_b, SharedText.CONCLUSION, text="B var først færdig", version=0)
            seen.append(etag())
            b_committed.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 3
    assert len(set(seen)) == 3, seen


def clock_moved(hours: float):
    """This process's clock, `hours` off, as on an app server whose clock is wrong."""
    moved = timezone.now() + datetime.timedelta(hours=hours)
    return mock.patch("django.utils.timezone.now", return_value=moved)


def test_app_servers_with_clocks_an_hour_apart_agree_on_freshness(
    client, alice, workshop, group1, group2, mette, jonas
):
    client.force_login(alice)
    member_poll = group1.get_absolute_url() + "?fase=intro"
    etag, member_etag = (
        dashboard_etag(client, workshop),
        mette.get(member_poll, headers=HTMX)["ETag"],
    )
    # Mette's change is served by a server an hour ahead; Jonas' by one an hour behind it.
    with clock_moved(hours=1):
        mette.post(group1.get_absolute_url() + "tag/", {"point": duty(1).pk, "on": "1"})
    assert poll(client, workshop.get_absolute_url(), etag) == 200
    assert poll(mette, member_poll, member_etag) == 200
    etag = dashboard_etag(client, workshop)
    jonas.post(
        group2.get_absolute_url() + "konklusion/", {"text": "Sig det til chefen", "version": 0}
    )
    response = client.get(workshop.get_absolute_url(), headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_group_page_asked_with_a_thousand_query_strings_is_kept_once(mette, group1):
    url = group1.get_absolute_url()
    mette.get(url)
    mette.get(url + "?fase=intro", headers=HTMX)
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    # A thousand query strings: half for the page, half for its live section.
    for number in range(0, 1000, 2):
        assert mette.get(f"{url}?n={number}").status_code == 200
        assert mette.get(f"{url}?fase=intro&n={number + 1}", headers=HTMX).status_code == 200
    grown = sum(
        stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename")
    )
    tracemalloc.stop()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kodeks_cache")
        kept = cursor.fetchone()[0]
    # The whole page and its live section, one version each; nothing grows in the process.
    assert kept == 2
    assert grown < 1_000_000, grown


def test_a_kept_page_does_not_carry_the_address_it_was_first_asked_with(mette, group1):
    mette.get(group1.get_absolute_url() + "?fra=en-mail")
    html = mette.get(group1.get_absolute_url()).content.decode()
    assert "fra=en-mail" not in html
    assert f'name="next" value="{group1.get_absolute_url()}"' in html


def test_members_share_one_render_of_a_version_each_with_their_own_csrf_token(workshop, group1):
    mette, anders = join(workshop, group1, "Mette"), join(workshop, group1, "Anders")
    mette.get(group1.get_absolute_url())
    # Each now sees the other on the page: one render for both.
    with CaptureQueriesContext(connection) as rendered:
        first = anders.get(group1.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as kept:
        second = mette.get(group1.get_absolute_url()).content.decode()
    # The membership and the kept page: none of the page's own queries.
    assert len(kept) == 2 < len(rendered)
    assert csrf_token_in(first) != csrf_token_in(second)
    assert first.replace(csrf_token_in(first), "") == second.replace(csrf_token_in(second), "")


def test_a_kept_page_never_names_another_signed_in_user(client, alice, workshop, group1):
    """A facilitator who tries the group page on their own phone sees their name in the
    header; the group's other members must not."""
    facilitator = join(workshop, group1)
    facilitator.force_login(alice)
    assert "Log ud (alice)" in facilitator.get(group1.get_absolute_url()).content.decode()
    mette = join(workshop, group1, "Mette")
    assert "Log ud" not in mette.get(group1.get_absolute_url()).content.decode()


def test_each_facilitator_gets_the_dashboard_with_their_own_name(client, alice, aarhus, workshop):
    client.force_login(alice)
    assert "Log ud (alice)" in client.get(workshop.get_absolute_url()).content.decode()
    colleague = Client()
    colleague.force_login(
        User.objects.create_user("dorthe", organisation=aarhus, role=User.Role.FACILITATOR)
    )
    theirs = colleague.get(workshop.get_absolute_url()).content.decode()
    assert "Log ud (dorthe)" in theirs and "Log ud (alice)" not in theirs


def test_purged_notes_are_not_served_from_a_kept_page(mette, workshop, group1):
    domain.save_text(group1, SharedText.NOTES, text="Karen sagde noget om Hansen.", version=0)
    domain.set_phase(workshop, phase="closed")
    assert "Karen sagde" in mette.get(group1.get_absolute_url()).content.decode()
    domain.purge_notes(closed_before=timezone.now() + datetime.timedelta(seconds=1))
    assert "Karen sagde" not in mette.get(group1.get_absolute_url()).content.decode()


def test_the_kept_pages_are_bounded(db, settings):
    assert settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] <= 1000
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert cache.get("nothing") is None


@pytest.mark.parametrize(
    "who",
    ["member", "member of another group", "member of another workshop", "wrong code"],
)
def test_membership_is_what_the_orm_would_find(workshop, group1, group2, other_workshop, who):
    mette = participant_of(join(workshop, group1), workshop)
    jonas = participant_of(join(workshop, group2), workshop)
    sofie = participant_of(join(other_workshop, other_workshop.groups.first()), other_workshop)
    ids, code = {
        "member": ([mette.pk], workshop.join_code),
        "member of another group": ([jonas.pk], workshop.join_code),
        "member of another workshop": ([sofie.pk], workshop.join_code),
        "wrong code": ([mette.pk], other_workshop.join_code),
    }[who]
    found = Participant.objects.membership(join_code=code, group_pk=group1.pk, participant_ids=ids)
    expected = (
        Participant.objects.filter(pk__in=ids, group=group1, workshop__join_code=code)
        .values_list(
            "pk",
            "workshop_id",
            "workshop__join_code",
            "workshop__codex_id",
            "group_id",
            "group__version",
            "workshop__version",
            "workshop__setup_version",
            "workshop__phase",
            "group__case_id",
            "group__own_dilemma",
            "workshop__private_tagging",
            "group__revealed",
        )
        .first()
    )
    if expected is not None:
        *values, case_id, own_dilemma, private_tagging, revealed = expected
        dilemma = dilemma_key(case_id, own_dilemma)
        # Never seen on the page yet, nobody else on it or writing.
        expected = (*values, dilemma, private_tagging, revealed, True, 0, 0)
    assert (found and tuple(vars(found).values())) == expected


@pytest.mark.parametrize("group_pk", [0, -1, 2**63, 10**20])
def test_membership_of_a_group_no_row_can_be_is_nobody(mette, workshop, group_pk):
    ids = [participant_of(mette, workshop).pk]
    assert (
        Participant.objects.membership(
            join_code=workshop.join_code, group_pk=group_pk, participant_ids=ids
        )
        is None
    )
