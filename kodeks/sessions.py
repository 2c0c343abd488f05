"""Sessions in the database, read together with their signed-in user in one fixed query.

Every request of a participant or a facilitator reads its session, a phone every 5 seconds
and a dashboard every 3. The session row keeps its user's id, so the user comes with it
instead of costing a second query, and the read is plain SQL rather than a query the ORM
builds each time. A view may have its own lookup read in the same query (read_with_session).
Writing, expiry and clearing are Django's own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from kodeks.backends import USER_COLUMNS, read_user
from kodeks.models import Session, User

# Built from our own column names, never from input.
SESSION_SELECT = "SELECT s.session_data, " + ", ".join(f"u.{column}" for column in USER_COLUMNS)
SESSION_FROM = (
    " FROM kodeks_session s LEFT JOIN kodeks_user u ON u.id = s.user_id"
    " WHERE s.session_key = %s AND s.expire_date > %s"
)


def read_with_session(columns: str, params: Callable[..., list]):
    """View decorator: the view's own lookup is read in the same query as the session.

    `columns` are scalar subqueries, which may use the signed-in user's row as `u`;
    `params(**view_kwargs)` gives their parameters. The view finds the values in
    `request.session.along`, or None where the session was not read with them (no
    session, or one read before the view was known).
    """

    def decorator(view):
        view.read_with_session = (columns, params)
        return view

    return decorator


class SessionStore(db.SessionStore):
    # The user the session was saved for, as read with it; auth still checks it is them.
    signed_in_user: User | None = None
    # What a view's columns read with the session (read_with_session).
    along: tuple | None = None
    _along: tuple[str, list] | None = None

    def read_along(self, columns: str, params: list) -> None:
        """Reads `columns` with the session, unless it was read already."""
        if not hasattr(self, "_session_cache"):
            self._along = (columns, params)

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data: dict) -> Session:
        session = super().create_model_instance(data)
        user_id = str(data.get(SESSION_KEY, ""))
        session.user_id = int(user_id) if user_id.isdecimal() else None
        return session

    def load(self) -> dict:
        columns, params = self._along or ("", [])
        query = SESSION_SELECT + (f", {columns}" if columns else "") + SESSION_FROM
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: as Django's store, start a new session on the next save.
            self._session_key = None
            return {}
        user_end = 1 + len(USER_COLUMNS)
        self.signed_in_user = None if row[1] is None else read_user(row[1:user_end])
        if columns:
            self.along = tuple(row[user_end:])
        return self.decode(row[0])
