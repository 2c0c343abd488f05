from __future__ import annotations

import ipaddress
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from kodeks.models import AuditEntry, LoginFailure, User
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


# The organisation admin's pages -----------------------------------------------------------------

ROLE_CHOICES = [(role.value, role.label) for role in User.Role]


class UserChangeForm(forms.Form):
    """A change to one of the organisation's users: a new role, or (de)activation."""

    role = forms.ChoiceField(label=_("Rolle"), choices=ROLE_CHOICES, required=False)
    active = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", required=False
    )


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Brugernavn"),
        max_length=150,
        validators=[
            UnicodeUsernameValidator(
                message=_("Brugernavnet må kun have bogstaver, tal og tegnene @ . + - _.")
            )
        ],
        help_text=_("Fx initialer eller mailadressen. Den inviterede logger ind med det."),
    )
    first_name = forms.CharField(label=_("Fornavn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternavn"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail (valgfri)"),
        required=False,
        error_messages={"invalid": _("Skriv en gyldig e-mailadresse, fx navn@kommune.dk.")},
    )
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Vælg en af rollerne på listen.")},
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Der findes allerede en bruger med det brugernavn."))
        return username


class DateRangeForm(forms.Form):
    """A period given in the URL (?fra=&til=), each end optional and checked."""

    fra = forms.DateField(
        label=_("Fra"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv datoen som år-måned-dag, fx 2026-01-31.")},
    )
    til = forms.DateField(
        label=_("Til"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv datoen som år-måned-dag, fx 2026-12-31.")},
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            self.add_error("til", _("Til-datoen ligger før fra-datoen."))
        return data


class AuditFilterForm(DateRangeForm):
    """The audit log's filters; they arrive in the URL, so each is checked."""

    handling = forms.ChoiceField(label=_("Handling"), required=False)

    field_order = ["handling", "fra", "til"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling"].choices = [("", _("Alle handlinger")), *AuditEntry.Action.choices]
        self.fields["handling"].error_messages["invalid_choice"] = _(
            "Vælg en af handlingerne på listen."
        )

    def filtered(self, entries):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("handling"):
            entries = entries.filter(action=data["handling"])
        if data.get("fra"):
            entries = entries.filter(at__date__gte=data["fra"])
        if data.get("til"):
            entries = entries.filter(at__date__lte=data["til"])
        return entries
