from __future__ import annotations

import time

import pytest

from kodeks.middleware import LOGIN_AT, SEEN_AT


def age_session(client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


def test_login_records_when_it_happened(logged_in):
    session = logged_in.session
    assert time.time() - session[LOGIN_AT] < 5
    assert time.time() - session[SEEN_AT] < 5


def test_staff_stay_logged_in_within_30_idle_minutes(logged_in):
    age_session(logged_in, seen_at=29 * 60)
    response = logged_in.get("/workshops/")
    assert response.status_code == 200
    assert time.time() - logged_in.session[SEEN_AT] < 5


def test_staff_are_logged_out_after_30_idle_minutes(logged_in):
    age_session(logged_in, seen_at=31 * 60)
    response = logged_in.get("/workshops/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/workshops/"
    assert "_auth_user_id" not in logged_in.session
    assert logged_in.get("/workshops/").status_code == 302


def test_staff_are_logged_out_after_12_hours_however_active(logged_in):
    age_session(logged_in, login_at=12 * 3600 + 1, seen_at=10)
    response = logged_in.get("/workshops/")
    assert response["Location"] == "/login/?next=/workshops/"


def test_an_expired_poll_sends_the_browser_to_login(logged_in, content):
    age_session(logged_in, seen_at=31 * 60)
    response = logged_in.get("/workshops/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/workshops/"
