from __future__ import annotations

import io

from django.core.management import call_command

from cases.models import Case
from kodeks.models import Codex, GuidePage, Point, Theme


def counts() -> dict[str, int]:
    return {
        "codices": Codex.objects.count(),
        "points": Point.objects.count(),
        "themes": Theme.objects.count(),
        "guides": GuidePage.objects.count(),
        "cases": Case.objects.count(),
        "links": Case.points.through.objects.count(),
    }


def load() -> str:
    out = io.StringIO()
    call_command("load_kodeks", stdout=out)
    return out.getvalue()


def test_load_kodeks_loads_all_content(db):
    assert "43 cases" in load()
    assert counts() == {
        "codices": 5,
        "points": 18,
        "themes": 43,
        "guides": 17,
        "cases": 43,
        "links": 24,
    }


def test_load_kodeks_twice_gives_the_same_rows(db):
    load()
    first = counts()
    ids = set(Case.objects.values_list("pk", flat=True))
    load()
    assert counts() == first
    assert set(Case.objects.values_list("pk", flat=True)) == ids


def test_reload_restores_kl_content_and_keeps_local_cases(local_case):
    kl_case = Case.objects.get_by_natural_key(Codex.DUTIES, 1)
    Case.objects.filter(pk=kl_case.pk).update(title="Ændret ved en fejl")
    before = counts()
    load()
    assert Case.objects.get(pk=kl_case.pk).title == "Spareøvelsen på skoleområdet"
    local_case.refresh_from_db()
    assert local_case.title == "Kørselsgodtgørelsen i Aarhus"
    assert local_case.organisation.slug == "aarhus"
    assert local_case.listed_under.title == "Lovlighed"
    assert counts() == before


def test_local_case_may_reuse_a_kl_number(local_case):
    local_case.number = 1
    local_case.save()
    load()
    assert Case.objects.filter(codex__slug=Codex.DUTIES, number=1).count() == 2


def test_loaded_cases_are_searchable(content):
    assert Case.objects.get_by_natural_key(Codex.DUTIES, 14).search_text.startswith(
        "kulturelle tilbud til ensomme ældre"
    )
