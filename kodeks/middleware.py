from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django_htmx.http import HttpResponseClientRedirect

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
SEEN_RESOLUTION = 60  # seconds


class LanguageMiddleware:
    """Danish unless the visitor chose English with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a Danish
    workplace's UI stays Danish on a phone set up in English until someone asks otherwise.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class StaffSessionMiddleware(MiddlewareMixin):
    """Logs a signed-in user out after 30 minutes without a request, or 12 hours in all.

    Participants have no login and no session: their group is kept in a signed cookie
    (workshops.views.access).
    """

    def process_request(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(LOGIN_AT, now)
            seen = session.get(SEEN_AT, now)
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - started > settings.STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                login_url = redirect_to_login(request.get_full_path()).url
                if request.headers.get("HX-Request"):
                    return HttpResponseClientRedirect(login_url)
                return redirect(login_url)
            # Saving on every poll would write the session every 3 seconds; a minute is enough.
            if now - seen > SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return None


@receiver(user_logged_in)
def _note_login_time(sender, request, user, **kwargs) -> None:
    request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()
