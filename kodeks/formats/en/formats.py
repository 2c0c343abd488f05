"""English dates as British English writes them, "1 December 2026"; Danish keeps Django's
own "1. december 2026"."""

from __future__ import annotations

DATE_FORMAT = "j F Y"
