"""What was done, by whom, for accountability: who signed in, changed roles, ran, read and
exported which workshop's results. Never the text of notes or conclusions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kodeks.models.accounts import Organisation


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        SIGNED_IN = "signed-in", _("Logget ind")
        SIGNED_OUT = "signed-out", _("Logget ud")
        SIGN_IN_FAILED = "sign-in-failed", _("Mislykket login")
        ROLE_CHANGED = "role-changed", _("Rolle ændret")
        DEACTIVATED = "deactivated", _("Bruger deaktiveret")
        REACTIVATED = "reactivated", _("Bruger genaktiveret")
        INVITED = "invited", _("Bruger inviteret")
        INVITATION_ACCEPTED = "invitation-accepted", _("Invitation taget imod")
        WORKSHOP_CREATED = "workshop-created", _("Workshop oprettet")
        WORKSHOP_EDITED = "workshop-edited", _("Workshop ændret")
        WORKSHOP_CLOSED = "workshop-closed", _("Workshop lukket")
        WORKSHOP_REOPENED = "workshop-reopened", _("Workshop genåbnet")
        WORKSHOP_DELETED = "workshop-deleted", _("Workshop slettet")
        SUMMARY_VIEWED = "summary-viewed", _("Opsummering læst")
        SUMMARY_EXPORTED = "summary-exported", _("Opsummering hentet")
        REPORT_VIEWED = "report-viewed", _("Rapport læst")
        REPORT_EXPORTED = "report-exported", _("Rapport hentet")
        NOTES_PURGED = "notes-purged", _("Noter slettet efter opbevaringstiden")

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    # Kept as the name signed in with, too: the entry outlives a deleted user.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("brugernavn"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    action = models.CharField(_("handling"), max_length=30, choices=Action)
    # What it was done to: "workshop 12 Introforløb", "user 4 hanne", an export's format.
    object_type = models.CharField(_("objekt"), max_length=30, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(_("beskrivelse"), max_length=300, blank=True)
    address = models.GenericIPAddressField(_("adresse"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "at"])]
        verbose_name = _("logpost")
        verbose_name_plural = _("log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
