from __future__ import annotations

import logging
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kodeks.converters import LARGEST_ID, RowIdConverter
from tests.factories import join

# Past a 64-bit row id: the first still matches the converter's 19 digits, the second not.
TOO_LARGE = [str(LARGEST_ID + 1), "99999999999999999999"]
PART = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _numbered_routes():
    return [route for route, _pattern in _routes() if "<id:" in route or "<int:" in route]


def test_every_number_in_a_url_is_a_row_id():
    converters = {
        name: type(converter).__name__
        for _route, pattern in _routes()
        for name, converter in getattr(pattern.pattern, "converters", {}).items()
    }
    assert "IntConverter" not in converters.values()
    assert {"pk", "group_pk", "number"} <= {
        name for name, kind in converters.items() if kind == RowIdConverter.__name__
    }


def test_row_id_converter_takes_the_largest_id_and_refuses_one_more():
    converter = RowIdConverter()
    assert converter.to_python(str(LARGEST_ID)) == LARGEST_ID
    with pytest.raises(ValueError):
        converter.to_python(str(LARGEST_ID + 1))


@pytest.mark.parametrize("number", TOO_LARGE)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_number_beyond_64_bits_in_any_url_is_not_found(
    client, alice, workshop, group1, number, method, caplog
):
    """Signed in as the workshop's facilitator and joined as a member: only the number is
    wrong, and each URL answers 404 without a traceback in the log."""
    client.force_login(alice)
    member = join(workshop, group1)
    client.cookies.update(member.cookies)
    values = {"code": workshop.join_code, "slug": "kl-2024", "segment": "noter"}
    assert _numbered_routes()
    for route in _numbered_routes():
        for numbered in [m.group(2) for m in PART.finditer(route) if m.group(1) in {"id", "int"}]:

            def fill(match, numbered=numbered):
                name = match.group(2)
                if name == numbered:
                    return number
                return str({"pk": workshop.pk, "group_pk": group1.pk, "number": 1}.get(name))

            url = "/" + PART.sub(
                lambda m, fill=fill: values.get(m.group(2)) or fill(m), route
            ).replace("^", "")
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="django.request"):
                response = getattr(client, method)(url)
            assert response.status_code == 404, url
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR], url
            assert b"Traceback" not in response.content
