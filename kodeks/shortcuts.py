"""Rendering a page once for everyone who sees the same thing."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

# Stands in for the visitor's CSRF token in a cached page. It is random per process, so no
# text anyone types can be mistaken for it and turned into someone else's token.
CSRF_PLACEHOLDER = secrets.token_hex(16)
SHARED_PAGE_SECONDS = 60


def render_shared(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict],
    *,
    version: str | None,
) -> HttpResponse:
    """Render the template once per `version` and fill in each visitor's own CSRF token.

    `version` must name everything the page shows; None renders afresh. `context` is only
    called to render, so a cached page costs none of its queries. What comes from other
    workshops may be up to SHARED_PAGE_SECONDS old.
    """
    if version is None:
        return render(request, template_name, context())
    digest = hashlib.sha256(f"{template_name}:{version}".encode()).hexdigest()
    key = f"shared-page:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request
        )
        cache.set(key, html, SHARED_PAGE_SECONDS)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
