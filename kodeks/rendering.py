"""Rendering a live page once per version for everyone who sees it, in the shared cache.

The live pages are polled by every phone and dashboard in a room; when something changes, all
of a group's phones ask for the same new version within seconds. Rendered by Django's
templates, a group page cost 13 ms of CPU and a 50-group dashboard 36 ms, against 0.35 ms for
a bare view (in-process, on the benchmark's data): far below the share of a bare view's rate
each must reach (README, Performance). So each version is rendered once, kept in the cache
every app server shares (Django's database cache by default), and each visitor's own CSRF
token is filled in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache

from django.core.cache import cache as shared_cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac


@cache
def csrf_placeholder() -> str:
    """Stands in for the visitor's CSRF token in a kept page: the same in every app server,
    and not to be guessed without the secret key, so no text anyone types can become someone
    else's token."""
    return salted_hmac("kodeks.rendering.csrf-placeholder", "", algorithm="sha256").hexdigest()


def render_shared(
    request: HttpRequest, template_name: str, context: Callable[[], dict], *, key: str
) -> HttpResponse:
    """The template rendered once per `key` and kept, with each visitor's CSRF token.

    `key` must name everything the page shows: the versions of what it shows and every input
    the view takes from the request. The page is rendered as if the request had no query
    string, so a query string the view does not read cannot make a page of its own.
    `context` is only called to render, so a kept page costs none of its queries.
    """
    digest = hashlib.sha256(f"{template_name}\n{key}".encode()).hexdigest()
    cache_key = f"page:{digest}"
    html = shared_cache.get(cache_key)
    if html is None:
        placeholder = csrf_placeholder()
        html = render_to_string(
            template_name,
            {**context(), "csrf_token": placeholder, "language_next": request.path},
            request,
        )
        shared_cache.set(cache_key, html)
    return HttpResponse(html.replace(csrf_placeholder(), get_token(request)))
