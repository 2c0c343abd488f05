from __future__ import annotations

import io
import logging

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.factories import join
from workshops import domain
from workshops.models import Phase

NOTE = "Borgmesteren bad os skjule tallene"


@pytest.fixture
def server_log():
    """What the app's console handler writes, as the server's log would show it."""
    handler = logging.getHandlerByName("console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_wrong_join_code_is_not_in_the_log(client, workshop, server_log, caplog):
    client.get("/deltag/WR0NGC0D/")
    client.get(f"/deltag/{workshop.join_code}/gruppe/999/")
    logged = server_log.getvalue()
    assert "Not Found: /deltag/[skjult]/" in logged
    assert "WR0NGC0D" not in logged and workshop.join_code not in logged
    assert "WR0NGC0D" not in caplog.text and workshop.join_code not in caplog.text


def test_a_refused_participant_request_logs_no_code(workshop, group1, server_log):
    member = join(workshop, group1, "Mette")
    domain.set_phase(workshop, phase=Phase.CLOSED)
    url = f"/deltag/{workshop.join_code}/gruppe/{group1.pk}/noter/"
    assert member.post(url, {"text": NOTE, "version": 0}).status_code == 403
    # A form without its CSRF token is refused and logged by Django's security logger.
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(f"/deltag/{workshop.join_code}/", {"display_name": "Mette"}).status_code == 403
    )
    logged = server_log.getvalue()
    assert "Forbidden (Permission denied): /deltag/[skjult]/gruppe/" in logged
    assert "Forbidden (CSRF cookie not set.): /deltag/[skjult]/" in logged
    assert workshop.join_code not in logged


def test_a_database_error_logs_no_note_or_name(server_log, caplog):
    try:
        raise IntegrityError(
            'null value in column "version" violates not-null constraint\n'
            f"DETAIL:  Failing row contains (7, Mette, {NOTE}, null)."
        )
    except IntegrityError:
        logging.getLogger("django.request").exception(
            "Internal Server Error: %s", "/deltag/K7Q2M9XD/gruppe/7/noter/"
        )
    logged = server_log.getvalue()
    assert "Internal Server Error: /deltag/[skjult]/gruppe/7/noter/" in logged
    assert "IntegrityError" in logged and "Failing row contains ([skjult])" in logged
    assert NOTE not in logged and "Mette" not in logged and "K7Q2M9XD" not in logged
    assert NOTE not in caplog.text


def test_the_development_servers_request_lines_carry_no_code():
    handler = logging.getHandlerByName("django.server")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").warning(
            '"%s" %s %s', "GET /deltag/K7Q2M9XD/?code=K7Q2M9XD HTTP/1.1", "404", "179"
        )
    finally:
        handler.setStream(previous)
    assert '"GET /deltag/[skjult]/?code=[skjult] HTTP/1.1" 404 179' in stream.getvalue()
