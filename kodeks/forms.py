from __future__ import annotations

import ipaddress
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kodeks.models import LoginFailure
from kodeks.models.accounts import LOGIN_DELAY_SECONDS


def client_address(request) -> str:
    """The visitor's address, as throttles count it.

    Behind KODEKS_TRUSTED_PROXIES proxies that each append to X-Forwarded-For, the address is
    the one the outermost trusted proxy saw; entries further left are the client's to invent.
    """
    proxies = settings.KODEKS_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    if proxies and len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "127.0.0.1"


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing for a while after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "For mange forkerte forsøg. Vent 15 minutter, og prøv så igen. "
            "Har du glemt din adgangskode, så kontakt din administrator."
        ),
    }

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        slowed = LoginFailure.objects.slowed(username=username)
        attempt = LoginFailure.objects.reserve(username=username, address=address)
        if attempt is None:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        if slowed:
            time.sleep(LOGIN_DELAY_SECONDS)
        cleaned = super().clean()
        # The password was right: the attempt is no failure.
        attempt.delete()
        return cleaned
