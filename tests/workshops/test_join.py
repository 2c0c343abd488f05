from __future__ import annotations

import io
import time
from unittest import mock

import pytest
import segno
from django.contrib.sessions.models import Session

from tests.factories import HTMX, join, participant_of
from workshops import domain
from workshops.models import CODE_ALPHABET, JoinAttempt, Phase, new_join_code, normalise_join_code
from workshops.views.access import PARTICIPANT_COOKIE


def test_join_code_has_at_least_40_bits():
    code = new_join_code()
    assert len(code) == 8
    assert set(code) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** len(code) >= 2**40


@pytest.mark.parametrize("typed", ["k7q2-m9xd", "K7Q2M9XD", " k7q2 m9xd ", "K7Q2-M9XD"])
def test_join_code_is_typed_in_any_case_with_or_without_dash(typed):
    assert normalise_join_code(typed) == "K7Q2M9XD"


def test_join_code_reads_confusable_letters_as_digits():
    assert normalise_join_code("io-l0") == "1010"


def test_dashboard_shows_the_code_with_a_dash(client, alice, workshop):
    client.force_login(alice)
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert f'<p class="join-code">{workshop.join_code[:4]}-{workshop.join_code[4:]}</p>' in html


def test_typed_code_leads_to_the_workshop(client, workshop):
    typed = workshop.display_code.lower()
    response = client.post("/deltag/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/deltag/{workshop.join_code}/"


@pytest.mark.parametrize("shown", ["display_code", "lower", "lower_display"])
def test_the_join_link_takes_the_code_as_shown(client, workshop, shown):
    address = {
        "display_code": workshop.display_code,
        "lower": workshop.join_code.lower(),
        "lower_display": workshop.display_code.lower(),
    }[shown]
    response = client.get(f"/deltag/{address}/")
    assert response.status_code == 302
    assert response["Location"] == f"/deltag/{workshop.join_code}/"
    assert "Gruppe 1" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("address", ["/deltag/zz-zz/", "/deltag/----/", "/deltag/%20/"])
def test_a_join_link_with_no_workshop_behind_it_is_not_found(client, workshop, address):
    response = client.get(address, follow=True)
    assert response.status_code == 404


def test_participant_picks_a_group_without_an_account(client, workshop, group2):
    html = client.get(f"/deltag/{workshop.join_code}/").content.decode()
    assert "Gruppe 1" in html and "Gruppe 2" in html
    response = client.post(
        f"/deltag/{workshop.join_code}/", {"group": group2.pk, "display_name": ""}
    )
    assert response["Location"] == group2.get_absolute_url()
    participant = participant_of(client, workshop)
    assert participant.group == group2
    assert participant.display_name == ""
    # Coming back to the link leads straight to the group.
    assert client.get(f"/deltag/{workshop.join_code}/")["Location"] == group2.get_absolute_url()


def test_participant_must_pick_a_group(client, workshop):
    response = client.post(f"/deltag/{workshop.join_code}/", {"display_name": "Mette"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vælg en af workshoppens grupper." in html
    assert 'value="Mette"' in html


def test_wrong_code_gets_a_clear_message(client, workshop):
    response = client.post("/deltag/", {"code": "ZZZZ-ZZZZ"})
    html = response.content.decode()
    assert "Der er ingen åben workshop med den kode" in html
    assert 'value="ZZZZ-ZZZZ"' in html
    assert JoinAttempt.objects.count() == 1


def test_malformed_code_explains_the_format(client, workshop):
    html = client.post("/deltag/", {"code": "abc"}).content.decode()
    assert "Koden har 8 tegn" in html


def test_eleventh_wrong_code_in_ten_minutes_is_throttled(client, workshop):
    for _ in range(domain.JOIN_ATTEMPTS_ALLOWED):
        assert client.post("/deltag/", {"code": "ZZZZ-ZZZZ"}).status_code == 200
    response = client.post("/deltag/", {"code": workshop.join_code})
    assert response.status_code == 429
    assert "For mange forkerte koder" in response.content.decode()


def test_throttle_counts_per_address(client, workshop):
    for _ in range(domain.JOIN_ATTEMPTS_ALLOWED):
        client.post("/deltag/", {"code": "ZZZZ-ZZZZ"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/deltag/", {"code": workshop.join_code}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_old_wrong_codes_no_longer_count(client, workshop):
    for _ in range(domain.JOIN_ATTEMPTS_ALLOWED):
        client.post("/deltag/", {"code": "ZZZZ-ZZZZ"})
    JoinAttempt.objects.update(
        attempted_at=JoinAttempt.objects.first().attempted_at - domain.JOIN_ATTEMPT_WINDOW
    )
    assert client.post("/deltag/", {"code": workshop.join_code}).status_code == 302


def test_closed_workshops_code_stops_working(client, workshop):
    domain.set_phase(workshop, phase=Phase.CLOSED)
    html = client.post("/deltag/", {"code": workshop.join_code}).content.decode()
    assert "Der er ingen åben workshop med den kode" in html
    assert client.get(f"/deltag/{workshop.join_code}/").status_code == 404


def test_qr_code_is_an_svg_of_the_join_link(client, alice, workshop):
    client.force_login(alice)
    response = client.get(f"/workshops/{workshop.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    link = f"http://testserver/deltag/{workshop.join_code}/"
    expected = io.BytesIO()
    segno.make(link, error="m").save(
        expected, kind="svg", xmldecl=False, scale=8, title="QR-kode til at deltage"
    )
    assert response.content == expected.getvalue()
    assert b'xmlns="http://www.w3.org/2000/svg"' in response.content


def hours_later(hours: float):
    """The clock, as the cookie's signature is checked against it, `hours` from now."""
    return mock.patch("django.core.signing.time.time", return_value=time.time() + hours * 3600)


def test_a_participant_is_remembered_by_a_signed_cookie_without_a_session(workshop, group1):
    mette = join(workshop, group1)
    cookie = mette.cookies[PARTICIPANT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 12 * 3600
    assert mette.get(group1.get_absolute_url()).status_code == 200
    assert mette.get(group1.get_absolute_url() + "?fase=intro", headers=HTMX).status_code == 200
    assert Session.objects.count() == 0


def test_participants_keep_their_group_for_the_workshop_day(workshop, group1):
    mette = join(workshop, group1)
    with hours_later(11):
        assert mette.get(group1.get_absolute_url()).status_code == 200
    with hours_later(13):
        assert mette.get(group1.get_absolute_url()).status_code == 404


def test_a_forged_or_edited_cookie_names_nobody(workshop, group1, group2):
    mette = join(workshop, group1)
    jonas = join(workshop, group2)
    # Jonas puts Mette's participant into his cookie, without the signature to go with it.
    signed = jonas.cookies[PARTICIPANT_COOKIE].value
    mettes = participant_of(mette, workshop).pk
    jonas.cookies[PARTICIPANT_COOKIE] = f"{workshop.pk}.{mettes}:" + signed.split(":", 1)[1]
    assert jonas.get(group1.get_absolute_url()).status_code == 404
    jonas.cookies[PARTICIPANT_COOKIE] = f"{workshop.pk}.{mettes}"
    assert jonas.get(group1.get_absolute_url()).status_code == 404


def test_a_browser_remembers_its_group_in_each_workshop_it_joined(workshop, group1, other_workshop):
    browser = join(workshop, group1)
    other_group = other_workshop.groups.get(position=2)
    browser.post(f"/deltag/{other_workshop.join_code}/", {"group": other_group.pk})
    assert browser.get(group1.get_absolute_url()).status_code == 200
    assert browser.get(other_group.get_absolute_url()).status_code == 200
