"""Settings for Kodeks – dilemmaværksted, read from the environment.

Every setting that differs between machines comes from an environment variable; a bad value
stops start-up with a message that names the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(
            f"{name} must be a comma-separated list, e.g. kodeks.example.dk."
        )
    return items


def database_from_url(url: str) -> dict:
    """The DATABASES["default"] entry for a sqlite:///path or postgres://… URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///db.sqlite3 is relative to the project, sqlite:////srv/db.sqlite3 absolute.
        path = unquote(parts.path)[1:]
        if parts.netloc or not path:
            raise ImproperlyConfigured(
                "DATABASE_URL for SQLite must look like sqlite:////absolute/path/db.sqlite3."
            )
        return sqlite_database(BASE_DIR / path)
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                "DATABASE_URL for PostgreSQL must name a database: postgres://user@host:5432/name."
            )
        try:
            port = parts.port
        except ValueError as error:
            raise ImproperlyConfigured(f"DATABASE_URL has a bad port: {error}.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            # Django's own pool (psycopg_pool): a request borrows an open connection and gives it
            # back; the pool checks a connection before lending it, so one the server dropped
            # is replaced without the visitor noticing.
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"pool": {"min_size": 2, "max_size": 8, "timeout": 10}},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {parts.scheme or url!r}."
    )


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # One connection per server thread, kept: opening a file and setting its pragmas on
        # every request costs more than most of the queries it would serve.
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock
            # at the start of a transaction so concurrent writers queue instead of failing.
            # secure_delete: deleted content is overwritten, whatever this build's default,
            # so purged notes do not stay in the file (README, Privacy and retention).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


# Development by default, so the demo runs on a fresh clone; production sets DJANGO_DEBUG=0.
DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is 0.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(BASE_DIR / "db.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Live pages are rendered once per version and kept here for every app server
# (kodeks.rendering): in the database, so nothing else need run beside it, and so a restored
# backup brings back the pages that match its versions. At most 1,000 pages, each for a minute.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kodeks_cache",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

INSTALLED_APPS = [
    "kodeks",
    "cases",
    "workshops",
    "kodeks.admin_site.KodeksAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kodeks.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kodeks.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kodeks.urls"
WSGI_APPLICATION = "kodeks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kodeks.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "kodeks.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The municipality's own accessibility statement (tilgængelighedserklæring), linked from
# every page's footer; until one is set, the app's own page.
ACCESSIBILITY_STATEMENT_URL = os.environ.get(
    "KODEKS_ACCESSIBILITY_STATEMENT_URL", "/tilgaengelighed/"
)

# Proxies in front of the app that append the client's address to X-Forwarded-For; the
# throttles count that address instead of the proxy's.
KODEKS_TRUSTED_PROXIES = env_int("KODEKS_TRUSTED_PROXIES", default=0)

# Participants one address (an IPv6 /64) may join to one workshop: a whole room on one
# municipal Wi-Fi, not an endless stream of made-up participants.
KODEKS_JOINS_PER_ADDRESS = env_int("KODEKS_JOINS_PER_ADDRESS", default=150)

# At most this often per server process, the group pages that said they are open are written
# as seen, all in one UPDATE (workshops.domain.SeenMarks); 0 writes each at once.
KODEKS_SEEN_WRITE_SECONDS = env_int("KODEKS_SEEN_WRITE_SECONDS", default=1)

# Days after a workshop closes before `purge_notes` deletes what was written in it.
KODEKS_NOTES_RETENTION_DAYS = env_int("KODEKS_NOTES_RETENTION_DAYS", default=90)
# Days the audit log keeps an entry before `purge_notes` deletes it.
KODEKS_AUDIT_RETENTION_DAYS = env_int("KODEKS_AUDIT_RETENTION_DAYS", default=365)

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
FORMAT_MODULE_PATH = ["kodeks.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Staff sessions are Django's, in the database; staff are also logged out after 30 minutes
# without a request (kodeks.middleware.StaffSessionMiddleware). Participants have no session:
# a signed cookie names their group for the workshop day (workshops.membership).
SESSION_COOKIE_AGE = 12 * 60 * 60
PARTICIPANT_COOKIE_AGE = 12 * 60 * 60
STAFF_SESSION_IDLE_SECONDS = 30 * 60
STAFF_SESSION_MAX_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# A participant's signed cookie (workshops.views.access). Over HTTPS every cookie of ours is a
# "__Host-" cookie: the browser takes it only from this host, Secure and for every path, so a
# neighbouring subdomain cannot plant a session, a CSRF token or a participant's cookie that
# puts a visitor into someone else's group.
PARTICIPANT_COOKIE_NAME = "deltager"
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    PARTICIPANT_COOKIE_NAME = "__Host-deltager"

# Every handler scrubs join codes, notes and names from what it writes (kodeks.log_filters).
# Django's own loggers are named here so that they, too, use these handlers and not the
# unscrubbed ones of Django's defaults.
SCRUBBED = ["participant_data"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "participant_data": {"()": "kodeks.log_filters.ScrubParticipantData"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": SCRUBBED},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": SCRUBBED,
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", *SCRUBBED],
        },
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
