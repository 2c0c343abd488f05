"""Sessions in the database, read together with their signed-in user in one fixed query.

Every request of a participant or a facilitator reads its session, a phone every 5 seconds
and a dashboard every 3. The session row keeps its user's id, so the user comes with it
instead of costing a second query, and the read is plain SQL rather than a query the ORM
builds each time. Writing, expiry and clearing are Django's own.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from kodeks.backends import USER_COLUMNS, read_user
from kodeks.models import Session, User

# Built from our own column names, never from input.
USER_SELECT = ", ".join(f"u.{column}" for column in USER_COLUMNS)
SESSION_QUERY = (
    f"SELECT s.session_data, {USER_SELECT}"  # noqa: S608  # nosec B608
    " FROM kodeks_session s LEFT JOIN kodeks_user u ON u.id = s.user_id"
    " WHERE s.session_key = %s AND s.expire_date > %s"
)


class SessionStore(db.SessionStore):
    # The user the session was saved for, as read with it; auth still checks it is them.
    signed_in_user: User | None = None

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data: dict) -> Session:
        session = super().create_model_instance(data)
        user_id = str(data.get(SESSION_KEY, ""))
        session.user_id = int(user_id) if user_id.isdecimal() else None
        return session

    def load(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(
                SESSION_QUERY,
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: as Django's store, start a new session on the next save.
            self._session_key = None
            return {}
        self.signed_in_user = None if row[1] is None else read_user(row[1:])
        return self.decode(row[0])
