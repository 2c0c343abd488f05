from __future__ import annotations

from kodeks.models.accounts import LoginFailure, LoginThrottleKey, Organisation, User
from kodeks.models.audit import AuditEntry
from kodeks.models.codex import Codex, GuidePage, Point, Theme, heading_anchor, split_lines

__all__ = [
    "AuditEntry",
    "Codex",
    "GuidePage",
    "LoginFailure",
    "LoginThrottleKey",
    "Organisation",
    "Point",
    "Theme",
    "User",
    "heading_anchor",
    "split_lines",
]
