"""Who signs in: organisations, their staff, and failed logins counted for the throttle."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A municipality (or other body) that runs workshops and keeps its own cases."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        HR = "hr", _("HR")
        ADMIN = "admin", _("Organisationsadministrator")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")


LOGIN_COOL_OFF = datetime.timedelta(minutes=15)
LOGIN_FAILURES_PER_USERNAME = 5
LOGIN_FAILURES_PER_ADDRESS = 20


class LoginFailureQuerySet(models.QuerySet):
    def recent(self) -> LoginFailureQuerySet:
        return self.filter(failed_at__gte=timezone.now() - LOGIN_COOL_OFF)

    def throttled(self, *, username: str, address: str) -> bool:
        """Too many recent failures for this username or from this address.

        Failures older than the cool-off stop counting, so nobody is ever locked out for good.
        """
        recent = self.recent()
        return (
            recent.filter(username=username.casefold()).count() >= LOGIN_FAILURES_PER_USERNAME
            or recent.filter(address=address).count() >= LOGIN_FAILURES_PER_ADDRESS
        )


class LoginFailure(models.Model):
    """A failed login, kept in the database so every app server counts the same."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField()
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LoginFailureQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["username", "failed_at"]),
            models.Index(fields=["address", "failed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.failed_at:%Y-%m-%d %H:%M}"
