from __future__ import annotations

from kodeks.models.accounts import LoginFailure, Organisation, User
from kodeks.models.codex import Codex, Point, Theme, split_lines

__all__ = ["Codex", "LoginFailure", "Organisation", "Point", "Theme", "User", "split_lines"]
