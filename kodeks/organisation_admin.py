"""The organisation admin's pages: the organisation's users (roles, deactivation, invitations
by a one-time link) and its audit log. Every page shows and changes only the admin's own
organisation."""

from __future__ import annotations

import itertools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kodeks import audit
from kodeks.access import admin_required
from kodeks.forms import AuditFilterForm, InviteForm, UserChangeForm
from kodeks.models import AuditEntry, User
from workshops.exports import csv_response

Action = AuditEntry.Action
AUDIT_PAGE_SIZE = 50


def _users(request: HttpRequest):
    return User.objects.filter(organisation_id=request.user.organisation_id)


def sign_in_method(user: User) -> str:
    if not user.is_active and not user.has_usable_password():
        return _("Inviteret, har ikke taget imod endnu")
    if not user.is_active:
        return _("Deaktiveret")
    return _("Adgangskode")


@never_cache
@require_GET
@admin_required
def users(request: HttpRequest) -> HttpResponse:
    people = list(_users(request).order_by("username"))
    for person in people:
        person.sign_in = sign_in_method(person)
    return render(request, "organisation/users.html", {"people": people, "roles": User.Role})


@require_POST
@admin_required
def change_user(request: HttpRequest, user_pk: int) -> HttpResponse:
    """A new role for one of the organisation's users, or their deactivation: they cannot
    sign in, and their open sessions end. The admin cannot lock themselves out."""
    person = get_object_or_404(_users(request), pk=user_pk)
    form = UserChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vælg en af rollerne på listen."))
        return redirect("organisation:users")
    if person == request.user:
        messages.error(request, _("Du kan ikke ændre din egen rolle eller deaktivere dig selv."))
        return redirect("organisation:users")
    role, active = form.cleaned_data["role"], form.cleaned_data["active"]
    with transaction.atomic():
        if role and role != person.role:
            label = f"{person.get_role_display()} → {User.Role(role).label}"
            person.role = role
            person.save(update_fields=["role"])
            audit.record(request, Action.ROLE_CHANGED, target=person, label=label)
            messages.success(
                request,
                _("%(user)s er nu %(role)s.")
                % {"user": person.get_username(), "role": person.get_role_display()},
            )
        if "active" in request.POST and active != person.is_active and person.has_usable_password():
            person.is_active = active
            person.save(update_fields=["is_active"])
            action = Action.REACTIVATED if active else Action.DEACTIVATED
            audit.record(request, action, target=person)
            done = _("%(user)s kan logge ind igen.") if active else _("%(user)s er deaktiveret.")
            messages.success(request, done % {"user": person.get_username()})
    return redirect("organisation:users")


def invitation_url(request: HttpRequest, person: User) -> str:
    """The one-time link the invited person sets their password with: Django's password
    reset token, which no longer holds once the password is set."""
    path = reverse(
        "accept-invitation",
        args=[
            urlsafe_base64_encode(force_bytes(person.pk)),
            default_token_generator.make_token(person),
        ],
    )
    return request.build_absolute_uri(path)


@never_cache
@require_http_methods(["GET", "POST"])
@admin_required
def invite(request: HttpRequest) -> HttpResponse:
    """A new user of the organisation, who sets their own password from a one-time link the
    admin passes on; until then they cannot sign in."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = User(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            organisation=request.user.organisation,
            is_active=False,
        )
        person.set_unusable_password()
        person.save()
        audit.record(request, Action.INVITED, target=person, label=person.get_role_display())
        context = {"person": person, "link": invitation_url(request, person)}
        return render(request, "organisation/invited.html", context)
    return render(request, "organisation/invite.html", {"form": form})


class AcceptInvitationView(PasswordResetConfirmView):
    """The invited person chooses a password; then they can sign in, and the link is spent."""

    template_name = "organisation/accept_invitation.html"
    success_url = reverse_lazy("login")
    reset_url_token = "valgt"  # noqa: S105 - the URL segment that stands for the token

    def form_valid(self, form):
        person = form.save()
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit.record(self.request, Action.INVITATION_ACCEPTED, target=person, actor=person)
        messages.success(self.request, _("Din adgangskode er valgt. Log ind med den."))
        return redirect(self.success_url)


def _audit_entries(request: HttpRequest, form: AuditFilterForm):
    entries = AuditEntry.objects.filter(organisation_id=request.user.organisation_id)
    return form.filtered(entries)


@never_cache
@require_GET
@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    page = Paginator(_audit_entries(request, form), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    context = {
        "form": form,
        "page": page,
        "retention_days": settings.KODEKS_AUDIT_RETENTION_DAYS,
    }
    return render(request, "organisation/audit_log.html", context, status=status)


@never_cache
@require_GET
@admin_required
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    header = [_("Tidspunkt"), _("Bruger"), _("Handling"), _("Objekt"), _("Adresse")]
    rows = (
        [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_name,
            entry.get_action_display(),
            entry.object_label,
            entry.address or "",
        ]
        for entry in _audit_entries(request, form).iterator()
    )
    return csv_response(itertools.chain([header], rows), "kodeks-log.csv")
