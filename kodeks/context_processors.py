from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"ACCESSIBILITY_STATEMENT_URL": settings.ACCESSIBILITY_STATEMENT_URL}
