"""The organisation admin's pages: users, their roles and invitations, and the audit log."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kodeks.models import AuditEntry, User
from tests.factories import NOTES, make_workshop
from workshops import domain
from workshops.models import Phase, SharedText

Action = AuditEntry.Action


@pytest.fixture
def ada(aarhus) -> User:
    """Aarhus's organisation admin."""
    return User.objects.create_user(
        "ada", password="ada-password", organisation=aarhus, role=User.Role.ADMIN
    )


@pytest.fixture
def admin_client(ada) -> Client:
    client = Client()
    client.force_login(ada)
    return client


def logged(action: str, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters))


def test_the_admin_sees_the_organisation_s_users_and_no_one_else(
    admin_client, alice, hanne, charlie
):
    html = admin_client.get(reverse("organisation:users")).content.decode()
    for person in (alice, hanne):
        assert f'<th scope="row">{person.username}' in html
    assert "charlie" not in html
    assert "Adgangskode" in html and "Aldrig" in html


@pytest.mark.parametrize("who", ["alice", "hanne", "charlie"])
def test_only_an_organisation_admin_opens_the_admin_pages(request, who, alice):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    for name in ("organisation:users", "organisation:invite", "organisation:audit-log"):
        assert client.get(reverse(name)).status_code == 403, (who, name)
    response = client.post(reverse("organisation:change-user", args=[alice.pk]), {"role": "admin"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.role == User.Role.FACILITATOR


def test_a_role_is_changed_and_logged(admin_client, alice, ada):
    url = reverse("organisation:change-user", args=[alice.pk])
    page = admin_client.post(url, {"role": "hr"}, follow=True).content.decode()
    assert "alice er nu HR." in page
    alice.refresh_from_db()
    assert alice.role == User.Role.HR
    [entry] = logged(Action.ROLE_CHANGED)
    assert (entry.actor, entry.organisation, entry.object_id) == (
        ada,
        ada.organisation,
        str(alice.pk),
    )
    assert entry.object_label == "alice · Facilitator → HR"


def test_the_admin_cannot_lock_themselves_out(admin_client, ada):
    url = reverse("organisation:change-user", args=[ada.pk])
    page = admin_client.post(url, {"role": "hr", "active": "0"}, follow=True).content.decode()
    assert "Du kan ikke ændre din egen rolle eller deaktivere dig selv." in page
    ada.refresh_from_db()
    assert (ada.role, ada.is_active) == (User.Role.ADMIN, True)


def test_another_organisation_s_user_is_not_changed(admin_client, charlie):
    url = reverse("organisation:change-user", args=[charlie.pk])
    assert admin_client.post(url, {"role": "admin", "active": "0"}).status_code == 404
    charlie.refresh_from_db()
    assert (charlie.role, charlie.is_active) == (User.Role.FACILITATOR, True)


def test_a_bad_role_is_refused_with_a_reason(admin_client, alice):
    url = reverse("organisation:change-user", args=[alice.pk])
    page = admin_client.post(url, {"role": "superuser"}, follow=True).content.decode()
    assert "Vælg en af rollerne på listen." in page
    alice.refresh_from_db()
    assert alice.role == User.Role.FACILITATOR


def test_a_deactivated_user_cannot_sign_in_and_their_session_ends(admin_client, alice):
    signed_in = Client()
    signed_in.force_login(alice)
    url = reverse("organisation:change-user", args=[alice.pk])
    page = admin_client.post(url, {"active": "0"}, follow=True).content.decode()
    assert "alice er deaktiveret." in page
    assert signed_in.get(reverse("workshops:list"))["Location"].startswith("/login/")
    login = Client().post("/login/", {"username": "alice", "password": "alice-password"})
    assert login.status_code == 200
    assert logged(Action.DEACTIVATED, object_id=str(alice.pk))
    admin_client.post(url, {"active": "1"})
    assert (
        Client().post("/login/", {"username": "alice", "password": "alice-password"}).status_code
        == 302
    )
    assert logged(Action.REACTIVATED, object_id=str(alice.pk))


def test_an_invited_user_sets_a_password_by_a_one_time_link(admin_client, ada):
    response = admin_client.post(
        reverse("organisation:invite"),
        {"username": "ny.kollega", "first_name": "Nanna", "role": "facilitator"},
    )
    html = response.content.decode()
    assert "ny.kollega er inviteret" in html
    link = re.search(r'id="invitation-link" type="text" readonly value="([^"]+)"', html).group(1)
    person = User.objects.get(username="ny.kollega")
    assert (person.organisation, person.role, person.is_active) == (
        ada.organisation,
        "facilitator",
        False,
    )
    assert not person.has_usable_password()
    users_page = admin_client.get(reverse("organisation:users")).content.decode()
    assert "Inviteret, har ikke taget imod endnu" in users_page
    assert Client().post("/login/", {"username": "ny.kollega", "password": ""}).status_code == 200

    invited = Client()
    form = invited.get(link, follow=True)
    assert "Du logger ind med brugernavnet <strong>ny.kollega</strong>." in form.content.decode()
    password = "Kodeks-Aarhus-2026"  # noqa: S105 - the invited person's choice
    done = invited.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done["Location"] == reverse("login")
    assert (
        Client().post("/login/", {"username": "ny.kollega", "password": password}).status_code
        == 302
    )
    # The link is spent.
    again = Client().get(link, follow=True).content.decode()
    assert "Linket virker ikke længere" in again
    assert logged(Action.INVITED, object_id=str(person.pk))
    assert logged(Action.INVITATION_ACCEPTED, actor=person)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"username": "alice", "role": "hr"}, "Der findes allerede en bruger med det brugernavn."),
        ({"username": "ny", "role": "root"}, "Vælg en af rollerne på listen."),
        (
            {"username": "mellem rum", "role": "hr"},
            "Brugernavnet må kun have bogstaver, tal og tegnene @ . + - _.",
        ),
        (
            {"username": "ny", "role": "hr", "email": "ikke-en-mail"},
            "Skriv en gyldig e-mailadresse, fx navn@kommune.dk.",
        ),
    ],
)
def test_a_bad_invitation_says_what_is_wrong_and_keeps_what_was_typed(
    admin_client, alice, data, error
):
    html = admin_client.post(reverse("organisation:invite"), data).content.decode()
    assert error in html
    assert f'value="{data["username"]}"' in html
    assert User.objects.count() == 2


# The audit log ------------------------------------------------------------------------------


def test_every_action_that_matters_is_logged_without_what_groups_wrote(
    admin_client, alice, hanne, content, settings
):
    facilitator = Client()
    assert facilitator.post("/login/", {"username": "alice", "password": "nej"}).status_code == 200
    assert (
        facilitator.post("/login/", {"username": "alice", "password": "alice-password"}).status_code
        == 302
    )
    created = facilitator.post(
        reverse("workshops:create") + "?format=onboarding",
        {
            "title": "Logget workshop",
            "date": "2026-12-02",
            "group_names": "A\nB",
            "pool_duties": [1],
        },
    )
    workshop = alice.workshops.get(title="Logget workshop")
    assert created["Location"] == workshop.get_absolute_url()
    group = workshop.groups.first()
    domain.save_text(group, SharedText.NOTES, text=NOTES, version=0)
    edit = {
        "title": "Logget workshop",
        "date": "2026-12-02",
        "pool_cases": [c.pk for c in workshop.pool.all()],
    }
    edit.update({f"group_{g.pk}": g.name for g in workshop.groups.all()})
    facilitator.post(reverse("workshops:edit", args=[workshop.pk]), edit)
    facilitator.post(reverse("workshops:close", args=[workshop.pk]), {"confirmed": "on"})
    facilitator.post(reverse("workshops:reopen", args=[workshop.pk]))
    facilitator.post(reverse("workshops:close", args=[workshop.pk]), {"confirmed": "on"})
    facilitator.get(reverse("workshops:summary", args=[workshop.pk]))
    for file_format in ("csv", "xlsx", "pdf"):
        facilitator.get(reverse(f"workshops:summary-{file_format}", args=[workshop.pk]))
    reader = Client()
    reader.force_login(hanne)
    reader.get(reverse("workshops:report") + "?fra=2026-01-01")
    reader.get(reverse("workshops:report-xlsx"))
    facilitator.post(reverse("workshops:delete", args=[workshop.pk]), {"confirmed": "on"})
    facilitator.post(reverse("logout"))
    held = make_workshop(alice, title="Holdt for længe siden")
    domain.set_phase(held, phase=Phase.CLOSED)
    call_command("purge_notes", "--days=0", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # Besides the admin's own sign-in, which opened this test.
    entries = AuditEntry.objects.filter(organisation=alice.organisation).exclude(actor_name="ada")
    actions = list(entries.order_by("at", "pk").values_list("action", flat=True))
    assert actions == [
        Action.SIGN_IN_FAILED,
        Action.SIGNED_IN,
        Action.WORKSHOP_CREATED,
        Action.WORKSHOP_EDITED,
        Action.WORKSHOP_CLOSED,
        Action.WORKSHOP_REOPENED,
        Action.WORKSHOP_CLOSED,
        Action.SUMMARY_VIEWED,
        Action.SUMMARY_EXPORTED,
        Action.SUMMARY_EXPORTED,
        Action.SUMMARY_EXPORTED,
        Action.SIGNED_IN,  # HR, to read the report
        Action.REPORT_VIEWED,
        Action.REPORT_EXPORTED,
        Action.WORKSHOP_DELETED,
        Action.SIGNED_OUT,
        Action.NOTES_PURGED,
    ]
    exported = entries.filter(action=Action.SUMMARY_EXPORTED).values_list("object_label", flat=True)
    assert sorted(exported) == [f"Logget workshop · {f}" for f in ("CSV", "PDF", "XLSX")]
    assert entries.get(action=Action.REPORT_VIEWED).object_label == "fra=2026-01-01"
    assert entries.get(action=Action.NOTES_PURGED).object_label == "Tekster slettet i 1 workshop"
    assert set(entries.exclude(actor=None).values_list("actor_name", flat=True)) == {
        "alice",
        "hanne",
    }
    assert entries.get(action=Action.SIGNED_IN, actor_name="alice").address == "127.0.0.1"
    # What the group wrote is nowhere in the log.
    for entry in AuditEntry.objects.all():
        assert "Spørg juristen" not in " ".join(str(value) for value in vars(entry).values())


def test_the_admin_reads_filters_and_exports_the_log(admin_client, ada, alice, charlie):
    AuditEntry.objects.create(
        organisation=ada.organisation, actor_name="alice", action=Action.SIGNED_IN
    )
    AuditEntry.objects.create(
        organisation=ada.organisation,
        actor_name="alice",
        action=Action.SUMMARY_EXPORTED,
        object_label="Introforløb · PDF",
    )
    AuditEntry.objects.create(
        organisation=charlie.organisation, actor_name="charlie", action=Action.SIGNED_IN
    )
    page = admin_client.get(reverse("organisation:audit-log")).content.decode()
    assert "Introforløb · PDF" in page and "charlie" not in page
    filtered = admin_client.get(reverse("organisation:audit-log"), {"handling": "summary-exported"})
    assert "Introforløb · PDF" in filtered.content.decode()
    assert "Logget ind</td>" not in filtered.content.decode()
    bad = admin_client.get(reverse("organisation:audit-log"), {"fra": "i går"})
    assert bad.status_code == 400
    assert "Skriv datoen som år-måned-dag" in bad.content.decode()
    export = admin_client.get(
        reverse("organisation:audit-log-csv"), {"handling": "summary-exported"}
    )
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Introforløb · PDF" in text and "charlie" not in text
    assert text.count("\n") == 2  # the header and one entry


def test_old_entries_are_deleted_by_the_maintenance_command(ada, settings):
    settings.KODEKS_AUDIT_RETENTION_DAYS = 30
    old = AuditEntry.objects.create(
        organisation=ada.organisation,
        action=Action.SIGNED_IN,
        at=timezone.now() - datetime.timedelta(days=31),
    )
    recent = AuditEntry.objects.create(
        organisation=ada.organisation,
        action=Action.SIGNED_IN,
        at=timezone.now() - datetime.timedelta(days=29),
    )
    call_command("purge_notes", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
