from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kodeks.models import LoginFailure


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - only a throttle key


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
        if LoginFailure.objects.throttled(username=username, address=address):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username.casefold()[:150], address=address)
            raise
