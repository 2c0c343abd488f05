from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KodeksConfig(AppConfig):
    name = "kodeks"
    verbose_name = _("Kodeks")

    def ready(self) -> None:
        from kodeks import middleware  # noqa: F401 - connects the login-time receiver
