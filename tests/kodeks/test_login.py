from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth import forms
from django.db import connection
from django.test import Client
from django.utils import timezone

from kodeks.models import LoginFailure
from kodeks.models.accounts import (
    LOGIN_COOL_OFF,
    LOGIN_DELAY_SECONDS,
    LOGIN_FAILURES_PER_USERNAME,
    LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS,
)

THROTTLED = "For mange forkerte forsøg"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_password_is_explained_and_counted(client, alice):
    response = attempt(client, "alice", "forkert")
    assert "Indtast venligst korrekt brugernavn og adgangskode" in response.content.decode()
    assert LoginFailure.objects.get().username == "alice"


def test_five_failures_throttle_even_the_right_password(client, alice):
    for _ in range(5):
        attempt(client, "Alice", "forkert")
    response = attempt(client, "alice", "alice-password")
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_throttle_cools_off_within_30_minutes(client, alice):
    assert datetime.timedelta(minutes=30) >= LOGIN_COOL_OFF
    for _ in range(5):
        attempt(client, "alice", "forkert")
    LoginFailure.objects.update(failed_at=timezone.now() - LOGIN_COOL_OFF)
    response = attempt(client, "alice", "alice-password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_one_address_guessing_many_usernames_is_throttled(client, alice):
    for number in range(20):
        attempt(client, f"bruger{number}", "forkert", address="10.9.9.9")
    assert THROTTLED in attempt(client, "alice", "alice-password", "10.9.9.9").content.decode()
    # Another address is not affected.
    assert attempt(Client(), "alice", "alice-password", "10.0.0.2").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(rf, settings):
    from kodeks.forms import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    assert client_address(request) == "10.0.0.254"
    settings.KODEKS_TRUSTED_PROXIES = 1
    assert client_address(request) == "192.0.2.7"
    settings.KODEKS_TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"
    settings.KODEKS_TRUSTED_PROXIES = 3  # fewer entries than proxies: the header is not trusted
    assert client_address(request) == "10.0.0.254"
    bogus = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="ikke-en-adresse")
    settings.KODEKS_TRUSTED_PROXIES = 1
    assert client_address(bogus) == "10.0.0.254"


def test_staff_land_where_their_role_works(client, alice, hanne):
    assert attempt(client, "alice", "alice-password")["Location"] == "/workshops/"
    client.logout()
    assert attempt(client, "hanne", "hanne-password")["Location"] == "/rapporter/"
    # Logged in already, the login page sends them on the same way.
    assert client.get("/login/")["Location"] == "/rapporter/"


def test_a_login_asked_for_by_a_page_returns_to_it(client, alice, workshop):
    response = client.post(
        f"/login/?next=/workshops/{workshop.pk}/",
        {"username": "alice", "password": "alice-password"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response["Location"] == f"/workshops/{workshop.pk}/"


def test_a_stranger_elsewhere_cannot_lock_the_user_out(client, alice):
    for _ in range(5):
        attempt(Client(), "alice", "forkert", address="203.0.113.66")
    assert (
        THROTTLED in attempt(Client(), "alice", "alice-password", "203.0.113.66").content.decode()
    )
    response = attempt(client, "alice", "alice-password", address="10.0.0.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_username_failed_from_many_addresses_is_slowed_not_refused(client, alice, monkeypatch):
    pauses = []
    monkeypatch.setattr("kodeks.forms.time.sleep", pauses.append)
    for number in range(LOGIN_FAILURES_PER_USERNAME):
        attempt(Client(), "alice", "forkert", address=f"198.51.100.{number + 1}")
    assert pauses == []
    response = attempt(client, "alice", "alice-password", address="10.0.0.1")
    assert pauses == [LOGIN_DELAY_SECONDS]
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_right_password_is_not_counted_as_a_failure(client, alice):
    attempt(client, "alice", "alice-password")
    assert not LoginFailure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_logins_check_no_more_passwords_than_the_limit(alice, monkeypatch):
    checked = []
    real = forms.authenticate

    def counting(*args, **kwargs):
        checked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(forms, "authenticate", counting)
    start = threading.Barrier(30)

    def guess():
        start.wait()
        try:
            attempt(Client(), "alice", "forkert", address="203.0.113.9")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS
    assert LoginFailure.objects.count() == LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS
