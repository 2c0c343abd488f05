from __future__ import annotations

from contextvars import ContextVar
from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from kodeks.models import User

USER_COLUMNS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "organisation_id",
    "role",
)
# Built from our own column names, never from input.
USER_QUERY = f"SELECT {', '.join(USER_COLUMNS)} FROM kodeks_user WHERE id = %s"  # noqa: S608  # nosec B608


@cache
def _converters(vendor: str) -> list[tuple]:
    """Per column, what the ORM would do to a value read from this database (e.g. SQLite's
    0/1 to bool, its zoneless timestamps to UTC)."""
    converters = []
    for column in USER_COLUMNS:
        field = User._meta.get_field(column)
        expression = field.get_col(User._meta.db_table)
        functions = connection.ops.get_db_converters(expression)
        converters.append((expression, functions + field.get_db_converters(connection)))
    return converters


def read_user(row) -> User:
    """A user from a row of USER_COLUMNS, as the ORM would have built it."""
    values = []
    for value, (expression, functions) in zip(row, _converters(connection.vendor), strict=True):
        for function in functions:
            value = function(value, expression, connection)
        values.append(value)
    return User.from_db(connection.alias, USER_COLUMNS, values)


# The session of the request being authenticated (kodeks.middleware.AuthenticationMiddleware).
current_session: ContextVar = ContextVar("current_session", default=None)


class UserBackend(ModelBackend):
    """Django's model backend; it looks up the signed-in user with a fixed query.

    Every request of a signed-in user asks, a dashboard every 3 seconds. Mostly the user came
    along with the session (kodeks.sessions); otherwise the lookup is plain SQL rather than a
    query the ORM builds each time.
    """

    def get_user(self, user_id):
        user = getattr(current_session.get(), "signed_in_user", None)
        if user is None or str(user.pk) != str(user_id):
            with connection.cursor() as cursor:
                cursor.execute(USER_QUERY, [user_id])
                row = cursor.fetchone()
            if row is None:
                return None
            user = read_user(row)
        return user if self.user_can_authenticate(user) else None
