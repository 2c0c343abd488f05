from __future__ import annotations

import datetime
import io
import time
from unittest import mock

import pytest
import segno
from django.contrib.sessions.models import Session
from django.test import Client

from tests.factories import HTMX, join, participant_of
from workshops import domain
from workshops.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    JoinAttempt,
    Participant,
    Phase,
    Workshop,
    display_join_code,
    new_join_code,
    normalise_join_code,
)
from workshops.views.access import PARTICIPANT_COOKIE


def test_join_code_has_50_bits():
    code = new_join_code()
    assert len(code) == 10
    assert set(code) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** len(code) == 2**50


def test_a_thousand_addresses_guessing_for_a_day_find_a_workshop_less_than_once_in_a_million():
    """The computation in the README's security section, from the limits the code uses."""
    windows_a_day = datetime.timedelta(days=1) / domain.JOIN_ATTEMPT_WINDOW
    guesses = 1_000 * domain.JOIN_ATTEMPTS_ALLOWED * windows_a_day
    assert guesses == 28_800_000
    chance = guesses / len(CODE_ALPHABET) ** CODE_LENGTH
    assert chance < 1e-6
    assert round(chance, 10) == 2.56e-8


def test_code_is_shown_in_groups_of_four_for_typing():
    assert display_join_code("K7Q2M9XD4F") == "K7Q2-M9XD-4F"
    assert display_join_code("K7Q2M9XD") == "K7Q2-M9XD"


@pytest.mark.parametrize("typed", ["k7q2-m9xd", "K7Q2M9XD", " k7q2 m9xd ", "K7Q2-M9XD"])
def test_join_code_is_typed_in_any_case_with_or_without_dash(typed):
    assert normalise_join_code(typed) == "K7Q2M9XD"


def test_join_code_reads_confusable_letters_as_digits():
    assert normalise_join_code("io-l0") == "1010"


def test_dashboard_shows_the_code_with_dashes(client, alice, workshop):
    client.force_login(alice)
    html = client.get(workshop.get_absolute_url()).content.decode()
    code = workshop.join_code
    assert f'<p class="join-code">{code[:4]}-{code[4:8]}-{code[8:]}</p>' in html


def test_a_workshop_with_an_eight_character_code_still_joins(client, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(join_code="K7Q2M9XD")
    response = client.post("/deltag/", {"code": "k7q2-m9xd"})
    assert response["Location"] == "/deltag/K7Q2M9XD/"
    assert "Gruppe 1" in client.get(response["Location"]).content.decode()


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
    response = client.post("/deltag/", {"code": "ZZZZ-ZZZZ-ZZ"})
    html = response.content.decode()
    assert "Der er ingen åben workshop med den kode" in html
    assert 'value="ZZZZ-ZZZZ-ZZ"' in html
    assert JoinAttempt.objects.count() == 1


def test_malformed_code_explains_the_format(client, workshop):
    html = client.post("/deltag/", {"code": "abc"}).content.decode()
    assert "Koden har 10 tegn, fx K7Q2-M9XD-4F" in html


def _wrong_codes(address: str, count: int) -> None:
    """`count` wrong codes from the address, as the throttle has them recorded."""
    JoinAttempt.objects.bulk_create(
        JoinAttempt(address=domain.throttled_as(address)) for _ in range(count)
    )


def test_a_reached_limit_refuses_even_the_right_code(client, workshop):
    _wrong_codes("127.0.0.1", domain.JOIN_ATTEMPTS_ALLOWED - 1)
    assert client.post("/deltag/", {"code": "ZZZZ-ZZZZ-ZZ"}).status_code == 200
    response = client.post("/deltag/", {"code": workshop.join_code})
    assert response.status_code == 429
    assert "For mange forkerte koder" in response.content.decode()
    assert client.get(f"/deltag/{workshop.join_code}/").status_code == 429
    assert Participant.objects.count() == 0


def test_wrong_codes_in_the_join_link_count_as_guesses(client, workshop):
    _wrong_codes("127.0.0.1", domain.JOIN_ATTEMPTS_ALLOWED - 2)
    assert client.get("/deltag/ZZZZZZZZZZ/").status_code == 404
    assert client.get(f"/deltag/{workshop.join_code}/").status_code == 200  # not a guess
    assert client.get("/deltag/ZZZZZZZZZY/").status_code == 404
    assert JoinAttempt.objects.count() == domain.JOIN_ATTEMPTS_ALLOWED
    response = client.get(f"/deltag/{workshop.join_code}/")
    assert response.status_code == 429
    assert "Gruppe 1" not in response.content.decode()


def test_guessing_by_link_and_by_form_is_counted_together(client, workshop):
    for number in range(domain.JOIN_ATTEMPTS_ALLOWED // 2):
        client.get(f"/deltag/ZZZZZZ{number:04d}/")
        client.post("/deltag/", {"code": f"YYYYYY{number:04d}"})
    assert client.post("/deltag/", {"code": workshop.join_code}).status_code == 429


def test_throttle_counts_per_address(client, workshop):
    _wrong_codes("10.0.0.1", domain.JOIN_ATTEMPTS_ALLOWED)
    assert client.post("/deltag/", {"code": "x"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    response = client.post("/deltag/", {"code": workshop.join_code}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_an_ipv6_network_is_counted_as_one_address(client, workshop):
    for host in range(domain.JOIN_ATTEMPTS_ALLOWED):
        client.get("/deltag/ZZZZZZZZZZ/", REMOTE_ADDR=f"2001:db8:1:2::{host + 1:x}")
    assert set(JoinAttempt.objects.values_list("address", flat=True)) == {"2001:db8:1:2::"}
    code = workshop.join_code
    another_host = client.get(f"/deltag/{code}/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert another_host.status_code == 429
    another_network = client.get(f"/deltag/{code}/", REMOTE_ADDR="2001:db8:1:3::1")
    assert another_network.status_code == 200


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_addresses_are_counted_as_the_throttle_sees_them(address, counted_as):
    assert domain.throttled_as(address) == counted_as


def test_old_wrong_codes_no_longer_count(client, workshop):
    _wrong_codes("127.0.0.1", domain.JOIN_ATTEMPTS_ALLOWED)
    JoinAttempt.objects.update(
        attempted_at=JoinAttempt.objects.first().attempted_at - domain.JOIN_ATTEMPT_WINDOW
    )
    assert client.post("/deltag/", {"code": workshop.join_code}).status_code == 302


def test_a_room_on_one_address_where_some_mistype_all_join(workshop):
    """60 phones behind one municipal Wi-Fi address; 15 mistype the code twice, once in the
    form and once in the link, before they get it right. Everyone joins a group."""
    groups = list(workshop.groups.all())
    code = workshop.join_code
    # One character off, whatever the code ends with.
    mistyped = code[:-1] + ("Y" if code.endswith("Z") else "Z")
    for number in range(60):
        phone = Client(REMOTE_ADDR="198.51.100.20")
        if number < 15:
            assert phone.post("/deltag/", {"code": mistyped}).status_code == 200
            assert phone.get(f"/deltag/{code[::-1]}/").status_code == 404
        response = phone.post("/deltag/", {"code": workshop.display_code.lower()})
        assert response.status_code == 302, number
        group = groups[number % len(groups)]
        joined = phone.post(response["Location"], {"group": group.pk})
        assert joined["Location"] == group.get_absolute_url(), number
        assert group.name in phone.get(joined["Location"]).content.decode()
    assert JoinAttempt.objects.filter(workshop=None).count() == 30
    assert workshop.participants.count() == 60


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


def test_joins_from_one_address_to_a_workshop_are_limited(settings, workshop, other_workshop):
    settings.KODEKS_JOINS_PER_ADDRESS = 3
    group = workshop.groups.first()
    for _ in range(3):
        join(workshop, group)
    refused = Client().post(f"/deltag/{workshop.join_code}/", {"group": group.pk})
    assert refused.status_code == 429
    assert "Spørg facilitatoren" in refused.content.decode()
    assert workshop.participants.count() == 3
    # Another network, or another workshop, is not held back by it.
    elsewhere = Client(REMOTE_ADDR="2001:db8:9:9::1")
    assert elsewhere.post(f"/deltag/{workshop.join_code}/", {"group": group.pk})["Location"]
    join(other_workshop, other_workshop.groups.first())
    assert workshop.participants.count() == 4
    assert other_workshop.participants.count() == 1


def test_the_default_join_limit_takes_a_whole_room(settings):
    assert settings.KODEKS_JOINS_PER_ADDRESS >= 150
