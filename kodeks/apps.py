from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KodeksConfig(AppConfig):
    name = "kodeks"
    verbose_name = _("Kodeks")

    def ready(self) -> None:
        from django.urls import register_converter

        from kodeks import audit, database, middleware  # noqa: F401 - connect their receivers
        from kodeks.converters import RowIdConverter

        # Every number in a URL is a row id or a codex point's number: <id:…>, never <int:…>.
        register_converter(RowIdConverter, "id")
