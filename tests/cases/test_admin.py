from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from kodeks.models import Codex, Point, User


@pytest.fixture
def aarhus_admin(aarhus):
    """Aarhus' content admin: staff with rights on cases, not a superuser."""
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(
        "anna", password="anna-password", organisation=aarhus, role=User.Role.ADMIN, is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="cases"))
    return user


def test_content_admin_adds_a_local_case_for_their_organisation(client, content, aarhus_admin):
    client.force_login(aarhus_admin)
    duty = Point.objects.get_by_natural_key(Codex.DUTIES, 2)
    response = client.post(
        reverse("admin:cases_case_add"),
        {
            "codex": Codex.objects.get(slug=Codex.DUTIES).pk,
            "kind": Case.Kind.CASE,
            "title": "Tallene til budgetseminaret",
            "situation": "Din chef vil runde tallene op.",
            "questions": "Hvad gør du?",
            "listed_under": duty.pk,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(title="Tallene til budgetseminaret")
    assert case.organisation == aarhus_admin.organisation
    assert case.search_text.startswith("tallene til budgetseminaret")


def test_content_admin_sees_only_their_organisations_cases(client, local_case, aarhus_admin):
    client.force_login(aarhus_admin)
    html = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert local_case.title in html
    assert "Spareøvelsen på skoleområdet" not in html
    kl_case = Case.objects.get_by_natural_key(Codex.DUTIES, 1)
    assert client.get(reverse("admin:cases_case_change", args=[kl_case.pk])).status_code == 302


def test_content_admin_of_another_organisation_cannot_open_the_case(
    client, local_case, odder, aarhus_admin
):
    aarhus_admin.organisation = odder
    aarhus_admin.save()
    client.force_login(aarhus_admin)
    assert client.get(reverse("admin:cases_case_change", args=[local_case.pk])).status_code == 302
    assert (
        local_case.title not in client.get(reverse("admin:cases_case_changelist")).content.decode()
    )


@pytest.fixture
def loose_admin(db):
    """Staff with rights on cases but no organisation: not KL's content admin either."""
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("lone", password="lone-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="cases"))
    return user


def test_staff_without_an_organisation_cannot_edit_kl_cases(client, content, loose_admin):
    kl_case = Case.objects.get_by_natural_key(Codex.DUTIES, 1)
    title = kl_case.title
    client.force_login(loose_admin)
    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert changelist.status_code == 403
    assert title not in changelist.content.decode()
    change = reverse("admin:cases_case_change", args=[kl_case.pk])
    assert client.get(change).status_code == 403
    client.post(change, {"title": "Ændret af en uden organisation", "situation": "x"})
    client.post(reverse("admin:cases_case_delete", args=[kl_case.pk]), {"post": "yes"})
    kl_case.refresh_from_db()
    assert kl_case.title == title


def test_staff_without_an_organisation_adds_no_public_case(client, content, loose_admin):
    client.force_login(loose_admin)
    duty = Point.objects.get_by_natural_key(Codex.DUTIES, 2)
    public = Case.objects.public().count()
    response = client.post(
        reverse("admin:cases_case_add"),
        {
            "codex": Codex.objects.get(slug=Codex.DUTIES).pk,
            "kind": Case.Kind.CASE,
            "title": "Et offentligt case fra ingen",
            "situation": "Ingen organisation.",
            "listed_under": duty.pk,
        },
    )
    assert response.status_code == 403
    assert Case.objects.public().count() == public


def test_superuser_edits_kl_cases(client, content, db):
    superuser = User.objects.create_superuser("kl", password="kl-password")
    kl_case = Case.objects.get_by_natural_key(Codex.DUTIES, 1)
    client.force_login(superuser)
    html = client.get(reverse("admin:cases_case_change", args=[kl_case.pk])).content.decode()
    assert kl_case.title in html
