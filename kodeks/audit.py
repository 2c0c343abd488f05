"""Writing the audit log (kodeks.models.AuditEntry): one call per action that matters for
accountability, and Django's own sign-in signals.

A small model of our own rather than a library such as django-auditlog: those record changes
to model rows, field by field, which would copy the notes and conclusions into the log; what
is asked for here is who read and exported what, which no row change shows.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from kodeks.forms import client_address
from kodeks.models import AuditEntry, Organisation, User

Action = AuditEntry.Action


def record(
    request: HttpRequest | None,
    action: str,
    *,
    target=None,
    label: str = "",
    actor=None,
    organisation: Organisation | None = None,
) -> AuditEntry:
    """Log `action` by the request's user (or `actor`) on `target`, a model instance; `label`
    names what it was instead (or besides: an export's format)."""
    user = actor if actor is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if organisation is None and user is not None:
        organisation = user.organisation
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        organisation=organisation,
        action=action,
        object_type=target._meta.model_name if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_label=" · ".join(part for part in (str(target or ""), label) if part)[:300],
        address=client_address(request) if request is not None else None,
    )


def purge_old() -> int:
    """Delete the entries older than the retention period; how many went."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.KODEKS_AUDIT_RETENTION_DAYS)
    deleted, _by_model = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    record(request, Action.SIGNED_IN, actor=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(request, Action.SIGNED_OUT, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A failed sign-in names the username tried (never the password); it belongs to that
    user's organisation when the username is one of its users'."""
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).select_related("organisation").first()
    AuditEntry.objects.create(
        actor=known,
        actor_name=username,
        organisation=known.organisation if known else None,
        action=Action.SIGN_IN_FAILED,
        address=client_address(request) if request is not None else None,
    )
