"""The app's own settings with one more page: a bare view, the benchmark's baseline."""

from __future__ import annotations

from kodeks.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
