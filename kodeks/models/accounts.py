"""Who signs in: organisations, their staff, and failed logins counted for the throttle."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
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
# Refused: a username tried from one address, or one address trying any usernames. Someone
# elsewhere guessing a colleague's password does not lock the colleague out.
LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = 5
LOGIN_FAILURES_PER_ADDRESS = 20
# Slowed, not refused: a username failed this often from anywhere has every further attempt
# answered only after a pause, the right password too, so guessing from many addresses is
# slow while the owner can still sign in.
LOGIN_FAILURES_PER_USERNAME = 10
LOGIN_DELAY_SECONDS = 3


class LoginFailureQuerySet(models.QuerySet):
    def recent(self) -> LoginFailureQuerySet:
        return self.filter(failed_at__gte=timezone.now() - LOGIN_COOL_OFF)

    def throttled(self, *, username: str, address: str) -> bool:
        """Too many recent failures for this username from this address, or from this address
        for any usernames.

        Failures older than the cool-off stop counting, so nobody is ever locked out for good.
        """
        recent = self.recent()
        return (
            recent.filter(username=username.casefold(), address=address).count()
            >= LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS
            or recent.filter(address=address).count() >= LOGIN_FAILURES_PER_ADDRESS
        )

    def slowed(self, *, username: str) -> bool:
        """Enough recent failures for the username, from anywhere, to pause each attempt."""
        recent = self.recent().filter(username=username.casefold())
        return recent.count() >= LOGIN_FAILURES_PER_USERNAME

    def reserve(self, *, username: str, address: str) -> LoginFailure | None:
        """An attempt, counted as a failure until the password proves right (then deleted);
        None if the attempt is throttled.

        Counting and counting-in happen under a lock on the username's and the address's
        rows, so concurrent attempts are checked one after the other and no more than the
        limit get to try a password.
        """
        username = username.casefold()[:150]
        with transaction.atomic():
            LoginThrottleKey.lock(f"username:{username}", f"address:{address}")
            if self.throttled(username=username, address=address):
                return None
            return self.create(username=username, address=address)


class LoginThrottleKey(models.Model):
    """A row per username and per address that login attempts lock while they count."""

    key = models.CharField(max_length=200, primary_key=True)

    def __str__(self) -> str:
        return self.key

    @classmethod
    def lock(cls, *keys: str) -> None:
        """Wait for, and hold until the transaction ends, the rows of these keys."""
        for key in sorted(keys):  # always in the same order: no deadlock between attempts
            cls.objects.get_or_create(key=key)
        list(cls.objects.select_for_update().filter(key__in=keys).order_by("key"))


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
