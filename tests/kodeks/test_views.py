from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Case
from kodeks.models import Codex
from tests.factories import DUTY_TITLES, copy_case, count_queries


def test_home_presents_the_duties_and_the_library(client, content):
    html = client.get(reverse("home")).content.decode()
    titles = re.findall(r'<span class="number">\d</span> ([^<]+)</a>', html)
    assert titles == DUTY_TITLES
    for codex in Codex.objects.all():
        assert codex.get_absolute_url() in html
    assert reverse("login") in html
    assert reverse("cases:library") in html


def test_home_greets_a_logged_in_facilitator(client, content, alice):
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert "Du er logget ind som alice" in html
    assert "Log ud (alice)" in html


def test_duty_page_shows_text_example_meaning_questions_and_cases(client, content):
    response = client.get(reverse("kodeks:point", args=[Codex.DUTIES, 4]))
    duty = response.context["point"]
    html = response.content.decode()
    assert "<h1>Udvikling og samarbejde</h1>" in html
    assert duty.example[:60] in html
    assert duty.question_list[0] in html
    assert "nr. 6 i KL’s kodeks fra 2016" in html
    for number in (16, 17, 18):
        case = Case.objects.get_by_natural_key(Codex.DUTIES, number)
        assert case.get_absolute_url() in html
    assert Case.objects.get_by_natural_key(Codex.DUTIES, 19).get_absolute_url() not in html


def test_duty_page_shows_pligten_betyder_fx(client, content):
    html = client.get(reverse("kodeks:point", args=[Codex.DUTIES, 1])).content.decode()
    assert "Pligten betyder fx" in html
    duty = Codex.objects.get(slug=Codex.DUTIES).points.get(number=1)
    for item in duty.meaning_list:
        assert f"<li>{item}</li>" in html.replace("&#x27;", "'")


def test_duty_page_gives_the_2016_number_also_when_unchanged(client, content):
    html = client.get(reverse("kodeks:point", args=[Codex.DUTIES, 1])).content.decode()
    assert "Pligt 1 · nr. 1 i KL’s kodeks fra 2016" in html


def test_codex_page_marks_only_renumbered_duties(client, content):
    html = client.get(reverse("kodeks:codex", args=[Codex.DUTIES])).content.decode()
    assert re.findall(r"\(nr\. (\d) i 2016-udgaven\)", html) == ["6", "7", "4"]


def test_leadership_point_lists_its_dilemmas(client, content):
    html = client.get(reverse("kodeks:point", args=[Codex.LEADERSHIP, 9])).content.decode()
    assert "Jeg skaber rum for refleksion og innovation" in html
    for number in (1, 4, 5, 8, 10):
        dilemma = Case.objects.get_by_natural_key(Codex.LEADERSHIP, number)
        assert dilemma.get_absolute_url() in html
    assert Case.objects.get_by_natural_key(Codex.LEADERSHIP, 2).get_absolute_url() not in html


def test_leadership_codex_page_has_points_and_meeting_questions(client, content):
    html = client.get(reverse("kodeks:codex", args=[Codex.LEADERSHIP])).content.decode()
    assert html.count('class="number"') == 11
    assert "Ledelsesdilemmaer" in html
    for dilemma in Case.objects.public().filter(codex__slug=Codex.LEADERSHIP):
        assert dilemma.get_absolute_url() in html
    assert "Kodekspunkt 7, 9</span>" in html  # dilemma 1
    assert "Før mødet" in html
    assert "Under mødet" in html


@pytest.mark.parametrize("slug", ["kl-2016", "samarbejde-i-kommunalbestyrelsen", "tillid"])
def test_other_codices_show_their_themes(client, content, slug):
    codex = Codex.objects.get(slug=slug)
    html = client.get(codex.get_absolute_url()).content.decode()
    assert f"<h1>{codex.title}</h1>" in html
    for theme in codex.themes.exclude(title=""):
        assert theme.title.replace("”", "&#x201D;")[:30] in html or theme.title[:30] in html


def test_unknown_codex_and_point_are_404(client, content):
    assert client.get(reverse("kodeks:codex", args=["ukendt"])).status_code == 404
    assert client.get(reverse("kodeks:point", args=[Codex.DUTIES, 8])).status_code == 404


def test_local_case_shows_on_duty_page_only_for_its_organisation(
    client, local_case, alice, charlie
):
    url = reverse("kodeks:point", args=[Codex.DUTIES, 1])
    assert local_case.title not in client.get(url).content.decode()
    client.force_login(charlie)
    assert local_case.title not in client.get(url).content.decode()
    client.force_login(alice)
    assert local_case.title in client.get(url).content.decode()


def test_codex_page_queries_do_not_grow_with_local_cases(
    client, local_case, alice, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("kodeks:codex", args=[Codex.DUTIES])
    one_local_case = count_queries(client, url)
    copy_case(local_case, 2)
    with django_assert_num_queries(one_local_case):
        html = client.get(url).content.decode()
    assert "7 cases" in html  # Lovlighed: four KL cases and three local ones


def test_library_pages_need_no_login_and_every_case_is_reachable_from_home(client, content):
    seen, queue = set(), [reverse("home")]
    case_urls = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        for href in re.findall(r'href="(/(?:kodeks|cases)/[^"?#]*)"', response.content.decode()):
            if re.fullmatch(r"/cases/\d+/", href):
                case_urls.add(href)
            queue.append(href)
    assert case_urls == {case.get_absolute_url() for case in Case.objects.public()}
    assert len(case_urls) == 43


def test_duty_page_shows_the_2016_appendix_text_under_bo_smith_udvalgets_code(client, content):
    html = client.get(reverse("kodeks:point", args=[Codex.DUTIES, 7])).content.decode()
    assert (
        "Bo Smith-udvalgets kodeks (2015): pligt nr. 4 i bilaget til KL’s kodeks fra 2016" in html
    )
    assert "Embedsmænd skal i deres arbejde være partipolitisk neutrale." in html
    assert "<h3>Pligten betyder fx</h3>" in html


def test_2016_catalogue_lists_its_norms_in_its_own_order_and_its_appendix(client, content):
    html = client.get(reverse("kodeks:codex", args=["kl-2016"])).content.decode()
    norms = re.findall(r'href="/kodeks/kl-2024/(\d)/"><span class="number">(\d)</span>', html)
    assert norms == [("1", "1"), ("2", "2"), ("3", "3"), ("7", "4"), ("5", "5"), ("4", "6"),
                     ("6", "7")]  # fmt: skip
    assert "<h2>Bilag / Kodeks med syv centrale forpligtelse</h2>" in html
    assert "Gengivet med venlig tilladelse fra Djøf Forlag." in html


def test_codex_page_lists_its_guides_and_a_guide_reads_as_its_chapter(client, content):
    codex_html = client.get(reverse("kodeks:codex", args=[Codex.DUTIES])).content.decode()
    url = reverse("kodeks:guide", args=[Codex.DUTIES, "det-lokale-arbejde-med-kodeks"])
    assert f'href="{url}"' in codex_html
    html = client.get(url).content.decode()
    assert "<h1>Det lokale arbejde med kodeks</h1>" in html
    assert (
        '<h2 id="et-ledelsesansvar-at-sikre-kendskab-til-kodeks">'
        "Et ledelsesansvar at sikre kendskab til kodeks</h2>"
    ) in html
    assert "<p>Dette afsnit beskriver en række eksempler" in html


def test_a_guide_tells_the_municipal_examples_under_the_heading_that_introduces_them(
    client, content
):
    url = reverse("kodeks:guide", args=[Codex.DUTIES, "det-lokale-arbejde-med-kodeks"])
    html = client.get(url).content.decode()
    examples = html.split("Kommunale eksempler på ledelsesarbejdet med kodeks</h2>")[1]
    copenhagen, thisted = examples.split('<h3 id="thisted-kommune-droefter-dilemmaer-i-chef-og-')
    assert '<h3 id="koebenhavns-kommune-taenker-kodeks-ind-i-e-learning">' in copenhagen
    assert "Kollegasparring foregår i grupper af 3–5 personer." in thisted
    # The onboarding examples have a heading of their own, which this chapter's text lacks.
    assert "Odense Kommune" not in html


def test_guide_pages_give_each_heading_an_id_to_link_to(client, content):
    url = reverse("kodeks:guide", args=[Codex.LEADERSHIP, "praktisk-anvendelse"])
    html = client.get(url).content.decode()
    assert '<h2 id="inviter-kodeks-ind-i-sproget">Inviter kodeks ind i sproget</h2>' in html
    assert '<h2 id="saet-ledelse-paa-dagsordenen-i-lederteamet">' in html
    # The meeting's questions, kept as themes too, are told once: as the guide tells them.
    assert html.count("Bed mødedeltagerne om at forberede følgende:") == 1


def test_guide_of_another_codex_is_not_found(client, content):
    url = reverse("kodeks:guide", args=["tillid", "det-lokale-arbejde-med-kodeks"])
    assert client.get(url).status_code == 404


def test_english_guide_page_translates_the_interface_not_the_text(client, content):
    client.cookies["django_language"] = "en"
    url = reverse("kodeks:guide", args=["kl-2016", "til-borgmesteren"])
    html = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Guide for the facilitator" in html
    text = html.split('<div class="prose guide" lang="da">')[1].split("</div>")[0]
    assert "Inspirationskatalog til den lokale debat" in text


def test_duty_page_names_its_2016_discussion_theme(client, content):
    html = client.get(reverse("kodeks:point", args=[Codex.DUTIES, 2])).content.decode()
    assert "<h3>Hvad er sandheden?</h3>" in html


def test_was_leads_to_the_apps_own_accessibility_statement(client, db):
    response = client.get("/was")
    assert response.status_code == 302
    assert response["Location"] == "/tilgaengelighed/"
    assert "WCAG 2.1 niveau AA" in client.get("/was", follow=True).content.decode()


def test_was_leads_to_the_municipalitys_statement_from_the_setting(client, settings, db):
    settings.ACCESSIBILITY_STATEMENT_URL = "https://www.was.digst.dk/vejle-dk"
    response = client.get("/was")
    assert response["Location"] == "https://www.was.digst.dk/vejle-dk"
