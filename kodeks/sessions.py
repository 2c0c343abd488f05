"""Sessions in the database, read with a fixed query.

Every request of a participant or a facilitator reads its session, a phone every 5 seconds
and a dashboard every 3, so the read is plain SQL rather than a query the ORM builds each
time. Writing, expiry and clearing are Django's own.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT session_data FROM django_session"
                " WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired: as Django's store, start a new session on the next save.
            self._session_key = None
            return {}
        return self.decode(row[0])
