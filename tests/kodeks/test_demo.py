from __future__ import annotations

import io

from django.core.management import call_command

from kodeks.models import Organisation, User


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)
    return out.getvalue()


def test_demo_creates_an_organisation_and_prints_logins(db):
    output = run_demo()
    facilitator = User.objects.get(username="facilitator")
    hr = User.objects.get(username="hr")
    assert facilitator.organisation == hr.organisation == Organisation.objects.get(slug="demo")
    assert facilitator.role == User.Role.FACILITATOR
    assert hr.role == User.Role.HR
    admin = User.objects.get(username="admin")
    assert (admin.role, admin.organisation) == (User.Role.ADMIN, facilitator.organisation)
    assert "brugernavn: admin" in output
    assert facilitator.check_password("kodeks-demo")
    assert "brugernavn: facilitator" in output
    assert "adgangskode: kodeks-demo" in output
    assert "http://127.0.0.1:8000/" in output


def test_demo_run_again_keeps_existing_data(db):
    run_demo()
    facilitator = User.objects.get(username="facilitator")
    facilitator.set_password("changed-by-the-user")
    facilitator.save()
    run_demo()
    assert Organisation.objects.count() == 1
    assert User.objects.count() == 3
    facilitator.refresh_from_db()
    assert facilitator.check_password("changed-by-the-user")


def test_demo_holds_workshops_once_so_hr_has_a_report(client, db):
    run_demo()
    run_demo()
    organisation = Organisation.objects.get(slug="demo")
    assert organisation.workshops.closed().count() == 3
    client.login(username="hr", password="kodeks-demo")
    report = client.get("/rapporter/").context["report"]
    assert (report.workshop_count, report.group_count, report.participant_count) == (3, 7, 21)
    assert sum(bar.count for bar in report.codices[0].bars) == 12
