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
    assert User.objects.count() == 2
    facilitator.refresh_from_db()
    assert facilitator.check_password("changed-by-the-user")
