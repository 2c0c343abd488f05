from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Case
from kodeks.models import Codex
from tests.factories import copy_case, count_queries

LIBRARY = reverse("cases:library")


def listed_titles(html: str) -> list[str]:
    return re.findall(r'<span class="case-title">([^<]+)</span>', html)


def test_library_lists_all_public_cases_and_dilemmas(client, content):
    html = client.get(LIBRARY).content.decode()
    assert len(listed_titles(html)) == 43
    assert "43 cases fundet" in html
    assert "Spareøvelsen på skoleområdet" in html
    assert "Klar til udvikling?" in html


def test_library_filters_by_duty(client, content):
    html = client.get(LIBRARY, {"pligt": 6}).content.decode()
    assert listed_titles(html) == [
        "Den fejlagtige lovfortolkning",
        "Det forsinkede IT-projekt",
        "Ulovlig opkrævning af gebyrer",
        "Kommunens praksis på børneområdet",
    ]
    assert re.search(r'href="\?pligt=6"[^>]*aria-current="true"', html)


def test_library_filters_by_leadership_point(client, content):
    html = client.get(LIBRARY, {"ledelse": 3}).content.decode()
    assert listed_titles(html) == [
        "Plads til individet?",
        "Skal vi yde det samme?",
        "Tør du tænke stort?",
        "Kan du håndtere krydspres?",
        "Sparekrav og kompromisser",
        "Sparer du på fagligheden?",
    ]


def test_filter_links_keep_the_search(client, content):
    html = client.get(LIBRARY, {"q": "borgmester"}).content.decode()
    assert 'href="?q=borgmester&amp;pligt=2"' in html


@pytest.mark.parametrize("query", ["ÆLDRE", "ældre", "Ældre"])
def test_search_ignores_case_with_danish_letters(client, content, query):
    html = client.get(LIBRARY, {"q": query}).content.decode()
    assert "Kulturelle tilbud til ensomme ældre" in listed_titles(html)


def test_search_matches_situation_text_and_all_words(client, content):
    titles = listed_titles(client.get(LIBRARY, {"q": "plejehjem BORGMESTEREN"}).content.decode())
    assert titles == ["Borgmesterens udtalelser i pressen om nedlæggelse af plejehjem"]
    titles = listed_titles(client.get(LIBRARY, {"q": "Å"}).content.decode())
    assert "Åbenhed om fejl" not in titles  # duties are not cases
    assert len(titles) > 10


def test_search_and_filter_combine(client, content):
    html = client.get(LIBRARY, {"q": "borgmester", "pligt": 2}).content.decode()
    assert listed_titles(html) == [
        "Borgmesterens udtalelser i pressen om nedlæggelse af plejehjem",
        "De tvivlsomme tal i sagen om skolelukninger",
    ]


def test_no_match_says_so(client, content):
    html = client.get(LIBRARY, {"q": "xyzzy"}).content.decode()
    assert listed_titles(html) == []
    assert "Ingen cases passer til søgningen" in html


@pytest.mark.parametrize(
    "params",
    [{"pligt": "abc"}, {"pligt": "99"}, {"ledelse": "-1"}, {"q": "x" * 500}, {"q": "\x00<script>"}],
)
def test_bad_filter_values_are_ignored_with_a_message(client, content, params):
    response = client.get(LIBRARY, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(listed_titles(html)) == 43 or "Ingen cases" in html
    assert "<script>" not in html.split("<main")[1]


def test_too_long_search_explains_the_limit(client, content):
    html = client.get(LIBRARY, {"q": "x" * 500}).content.decode()
    assert "Søgningen må højst være 100 tegn" in html
    assert len(listed_titles(html)) == 43


def test_htmx_request_gets_only_the_results(client, content):
    response = client.get(LIBRARY, {"pligt": 1}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert len(listed_titles(html)) == 4
    assert "HX-Request" in response["Vary"]


def test_htmx_request_brings_the_count_out_of_band(client, content):
    html = client.get(LIBRARY, {"pligt": 1}, headers={"HX-Request": "true"}).content.decode()
    results, count = html.split('<p id="result-count" hx-swap-oob="innerHTML">')
    assert "case fundet" not in results and "cases fundet" not in results
    assert count.startswith("4 cases fundet")


def test_the_count_is_outside_the_results(client, content):
    html = client.get(LIBRARY).content.decode()
    assert html.index('id="result-count"') < html.index('<div id="results">')
    assert 'role="status">43 cases fundet' in html


def test_local_cases_are_only_in_their_organisations_library(client, local_case, alice, charlie):
    assert local_case.title not in client.get(LIBRARY).content.decode()
    client.force_login(charlie)
    assert local_case.title not in client.get(LIBRARY).content.decode()
    client.force_login(alice)
    html = client.get(LIBRARY, {"pligt": 1}).content.decode()
    assert local_case.title in listed_titles(html)
    assert "Lokal case" in html


def test_library_queries_do_not_grow_with_cases(
    client, local_case, alice, django_assert_num_queries
):
    client.force_login(alice)
    one = count_queries(client, LIBRARY)
    copy_case(local_case, 2)
    with django_assert_num_queries(one):
        html = client.get(LIBRARY).content.decode()
    assert len(listed_titles(html)) == 46


def test_case_page_shows_situation_questions_and_duty(client, content):
    case = Case.objects.get_by_natural_key(Codex.DUTIES, 9)
    html = client.get(case.get_absolute_url()).content.decode()
    assert f"<h1>{case.title}</h1>" in html
    assert "Case 9" in html
    assert "Hører under pligt 2: Sandhed" in html
    assert case.situation[:80] in html
    for question in case.question_list:
        assert f"<li>{question}</li>" in html


def test_case_page_of_case_4_shows_discussion_bullets(client, content):
    case = Case.objects.get_by_natural_key(Codex.DUTIES, 4)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Til drøftelse" in html
    for item in case.discussion_list:
        assert item in html


def test_dilemma_page_links_the_points_the_source_names(client, content):
    dilemma = Case.objects.get_by_natural_key(Codex.LEADERSHIP, 13)
    html = client.get(dilemma.get_absolute_url()).content.decode()
    assert "Ledelsesdilemma 13" in html
    assert 'href="/kodeks/god-ledelse/5/"' in html
    assert 'href="/kodeks/god-ledelse/7/"' in html
    assert (
        "Kodekspunkt 5: Jeg kommunikerer klart om politiske og administrative beslutninger" in html
    )


def test_local_case_page_is_refused_to_outsiders(client, local_case, alice, charlie):
    url = local_case.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert "Lokal case · Aarhus Kommune" in response.content.decode()


def test_unknown_case_is_404(client, content):
    assert client.get(reverse("cases:case", args=[999999])).status_code == 404


def test_library_refuses_post(client, content):
    assert client.post(LIBRARY).status_code == 405


def test_unknown_duty_number_is_explained(client, content):
    html = client.get(LIBRARY, {"pligt": 99}).content.decode()
    assert "Der findes ingen pligt med det nummer." in html
    assert len(listed_titles(html)) == 43


def test_dilemma_citing_another_points_wording_says_so(client, content):
    for number in (10, 12):
        case = Case.objects.get_by_natural_key(Codex.LEADERSHIP, number)
        html = client.get(case.get_absolute_url()).content.decode()
        assert "I kilden står henvisningen med et andet kodekspunkts ordlyd:" in html
        assert "Kodekspunkt 1. Jeg har en viden om og forståelse for den faglige kontekst" in html
    other = Case.objects.get_by_natural_key(Codex.LEADERSHIP, 1)
    html = client.get(other.get_absolute_url()).content.decode()
    assert "et andet kodekspunkts ordlyd" not in html


def test_story_dilemma_says_which_municipal_story_it_comes_from(client, content):
    case = Case.objects.public().get(codex__slug=Codex.LEADERSHIP, story="Vejle Kommune")
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Ledelsesdilemma · Fra fortællingen om Vejle Kommune" in html
    assert "<h1>Er det her god ledelse?</h1>" in html
    assert "Kaster disse kodekspunkter lys over dilemmaet?" not in html
    codex_html = client.get(reverse("kodeks:codex", args=[Codex.LEADERSHIP])).content.decode()
    assert "Fra fortællingen om Morsø Kommune" in codex_html
