from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from kodeks.models import LoginFailure
from tests.factories import duty, join, make_workshop
from workshops import domain
from workshops.exports import report_figure_rows, report_row_values
from workshops.models import Group, JoinAttempt, Participant, Phase, Revision, SharedText
from workshops.reports import build_report, report_groups, report_workshops


def closed_days_ago(workshop, days: int):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    workshop.closed_at = timezone.now() - datetime.timedelta(days=days)
    workshop.save(update_fields=["closed_at"])
    return workshop


def written(workshop, *, own: bool = False) -> None:
    for group in workshop.groups.all():
        join(workshop, group, "Karen Jensen")
        if own:
            domain.write_own_dilemma(group, title="Borgmester Hansens ønske", situation="…")
        else:
            domain.choose_case(group, case=workshop.pool.first())
        domain.save_text(
            group, SharedText.NOTES, text="Karen sagde, at Hansen pressede på.", version=0
        )
        domain.save_text(group, SharedText.CONCLUSION, text="Tal med Hansen.", version=0)
        domain.set_tag(group, point=duty(2), on=True)


@pytest.fixture
def old_and_recent(content, alice):
    old = make_workshop(alice, title="Gammel")
    written(old)
    old_own = make_workshop(alice, title="Gammel sparring", groups=1)
    written(old_own, own=True)
    recent = make_workshop(alice, title="Nylig")
    written(recent)
    running = make_workshop(alice, title="Kører")
    written(running)
    return {
        "old": closed_days_ago(old, 91),
        "old_own": closed_days_ago(old_own, 200),
        "recent": closed_days_ago(recent, 89),
        "running": running,
    }


def report_snapshot(organisation_id) -> tuple[list, list]:
    workshops = report_workshops(organisation_id)
    figures = list(report_figure_rows(build_report(workshops)))
    rows = list(report_row_values(report_groups(workshops)))
    return figures, rows


def run_purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_notes", *args, stdout=out)
    return out.getvalue()


def test_purge_deletes_texts_and_names_of_workshops_closed_90_days_ago(old_and_recent, alice):
    before = report_snapshot(alice.organisation_id)
    output = run_purge()
    assert "tekster slettet i 3 grupper og 3 deltagernavne i 2 workshops" in output

    for key in ("old", "old_own"):
        workshop = old_and_recent[key]
        workshop.refresh_from_db()
        assert workshop.notes_purged_at is not None
        for group in workshop.groups.all():
            texts = (group.notes, group.conclusion, group.own_title, group.own_situation)
            assert texts == ("", "", "", "")
            assert [point.number for point in group.tags.all()] == [2]
        names = Participant.objects.filter(workshop=workshop).values_list("display_name", flat=True)
        assert set(names) == {""}
    assert Group.objects.filter(notes__contains="Hansen").count() == 4  # recent and running
    assert Group.objects.filter(workshop=old_and_recent["old"], case__isnull=False).count() == 2
    assert Group.objects.get(workshop=old_and_recent["old_own"]).own_dilemma

    # What HR sees is unchanged.
    assert report_snapshot(alice.organisation_id) == before


def test_purged_summary_says_so_and_shows_no_text(client, alice, old_and_recent):
    run_purge()
    client.force_login(alice)
    html = client.get(f"/workshops/{old_and_recent['old_own'].pk}/opsummering/").content.decode()
    assert "deltagernes navne blev slettet" in html
    assert "(teksten er slettet)" in html
    assert "Hansen" not in html and "Karen" not in html


def test_purge_can_run_again_and_takes_other_periods(old_and_recent):
    run_purge()
    assert "tekster slettet i 0 grupper og 0 deltagernavne i 0 workshops" in run_purge()
    assert "tekster slettet i 2 grupper og 2 deltagernavne i 1 workshops" in run_purge(
        "--days", "30"
    )
    assert not Group.objects.filter(workshop=old_and_recent["recent"]).exclude(notes="").exists()
    assert Group.objects.filter(workshop=old_and_recent["running"], notes__contains="Hansen")


def test_purge_forgets_old_addresses(db):
    JoinAttempt.objects.create(
        address="10.0.0.1", attempted_at=timezone.now() - datetime.timedelta(days=2)
    )
    JoinAttempt.objects.create(address="10.0.0.2")
    LoginFailure.objects.create(
        username="x", address="10.0.0.1", failed_at=timezone.now() - datetime.timedelta(days=2)
    )
    run_purge()
    assert list(JoinAttempt.objects.values_list("address", flat=True)) == ["10.0.0.2"]
    assert not LoginFailure.objects.exists()


def test_negative_days_are_refused(db):
    with pytest.raises(CommandError, match="--days skal være 0 eller mere"):
        run_purge("--days", "-1")


def test_retention_days_come_from_the_environment(monkeypatch):
    from kodeks.settings import env_int

    monkeypatch.setenv("KODEKS_NOTES_RETENTION_DAYS", "30")
    assert env_int("KODEKS_NOTES_RETENTION_DAYS", default=90) == 30
    monkeypatch.setenv("KODEKS_NOTES_RETENTION_DAYS", "tre")
    with pytest.raises(Exception, match="KODEKS_NOTES_RETENTION_DAYS must be a whole number"):
        env_int("KODEKS_NOTES_RETENTION_DAYS", default=90)


def test_a_workshop_left_open_past_its_day_and_the_retention_is_closed_and_purged(content, alice):
    forgotten = make_workshop(alice, title="Glemt", date=datetime.date(2020, 3, 2))
    written(forgotten)
    run_purge()
    forgotten.refresh_from_db()
    assert forgotten.is_closed and forgotten.notes_purged_at is not None
    assert not Group.objects.filter(workshop=forgotten).exclude(notes="").exists()
    assert set(forgotten.participants.values_list("display_name", flat=True)) == {""}
    assert not Revision.objects.filter(group__workshop=forgotten).exists()


def test_purge_deletes_the_revisions_too(old_and_recent):
    run_purge()
    old = old_and_recent["old"]
    assert not Revision.objects.filter(group__workshop=old).exists()
    assert Revision.objects.filter(group__workshop=old_and_recent["recent"]).exists()


PURGED_NOTE = "Direktør Qvistgaard-Mørch pressede på i sagen"
PURGED_NAME = "Xenia Uldahl-Brøndum"


def _secrets_written(alice):
    workshop = make_workshop(alice, title="Hemmelig", groups=1)
    group = workshop.groups.get()
    join(workshop, group, PURGED_NAME)
    for version in range(3):
        domain.save_text(group, SharedText.NOTES, text=f"{PURGED_NOTE} {version}", version=version)
    closed_days_ago(workshop, 120)
    return workshop


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's files")
def test_after_the_purge_no_byte_of_the_database_directory_holds_the_text(content, alice):
    _secrets_written(alice)
    folder = Path(connection.settings_dict["NAME"]).parent
    on_disk = b"".join(path.read_bytes() for path in folder.iterdir() if path.is_file())
    assert PURGED_NOTE.encode() in on_disk  # written, so the scan can see it
    run_purge()
    for path in folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert PURGED_NOTE.encode() not in data, path.name
            assert PURGED_NAME.encode() not in data, path.name


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row versions")
def test_after_the_purge_no_live_or_dead_row_version_holds_the_text(content, alice):
    _secrets_written(alice)
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")

    def row_versions_with(text: str) -> int:
        found = 0
        with connection.cursor() as cursor:
            for model in (Group, Revision, Participant):
                table = model._meta.db_table
                cursor.execute(
                    "SELECT count(*) FROM generate_series(0, pg_relation_size(%s) / 8192 - 1) b,"
                    " heap_page_items(get_raw_page(%s, b::int)) i"
                    " WHERE position(convert_to(%s, 'UTF8') in i.t_data) > 0",
                    [table, table, text],
                )
                found += cursor.fetchone()[0]
        return found

    assert row_versions_with(PURGED_NOTE) > 0
    run_purge()
    assert row_versions_with(PURGED_NOTE) == 0
    assert row_versions_with(PURGED_NAME) == 0


def test_purge_deletes_expired_sessions(client, alice):
    client.force_login(alice)
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )
    run_purge()
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
