from __future__ import annotations

import io

import pytest
import segno

from tests.workshops.conftest import participant_of
from workshops import domain
from workshops.models import CODE_ALPHABET, JoinAttempt, Phase, new_join_code, normalise_join_code


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
    assert "Dette felt er påkrævet." in html
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
