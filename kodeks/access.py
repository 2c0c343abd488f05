"""Staff pages by role: who may open which."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from kodeks.models import User


def role_required(*roles: str):
    """Logged in with one of the roles; anyone else logged in gets 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The organisation admin's own pages: its users and its audit log.
admin_required = role_required(User.Role.ADMIN)
