"""Settings for Tavolo metropolitano, read from the environment.

Development works with no variable set (SQLite file, console e-mail, debug on). With
``DJANGO_DEBUG=0`` the process refuses to start unless ``DJANGO_SECRET_KEY`` is set.
The README lists every variable.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off: refusing to start."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "bootstrap_italia_template",
    "simple_history",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Our apps, in their dependency order: zones <- practices <- meetings <- roundtable.
    "zones",
    "practices",
    "meetings",
    "roundtable",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "roundtable.middleware.PermissionsPolicyMiddleware",
    "roundtable.middleware.RequestLogMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# --- HTTP security ----------------------------------------------------------------------------
# Served over HTTPS in production (DJANGO_HTTPS, on by default when debug is off): secure
# cookies with the __Host- prefix (sent only to this host, over HTTPS, for the whole site),
# HSTS for a year, and a redirect of plain HTTP. Behind the institution's proxy, which ends TLS,
# the forwarded protocol is trusted only when DJANGO_TRUST_X_FORWARDED_PROTO says so (a proxy
# that does not overwrite the header would let anyone claim HTTPS).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is hard to undo (browsers ship the list): asked for, never assumed.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "not preloaded": a choice, see above
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Content Security Policy (django-csp), in every environment so that the browser tests run
# under it: only our own origin, no inline script or style (htmx's inline indicator style is
# turned off in base.html; its rule is in portal.css; video.js, bundled by Bootstrap Italia,
# is told not to inject its style by static/js/before-bootstrap.js), no plugin, no framing.
# data: images are Bootstrap Italia's CSS icons (select arrows, check marks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        # Bootstrap Italia's CSS embeds video.js's icon font as a data: URL.
        "font-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
    }
}

ROOT_URLCONF = "roundtable.urls"
WSGI_APPLICATION = "roundtable.wsgi.application"

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
                "roundtable.context_processors.organisation",
                "roundtable.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "roundtable.forms.PortalFormRenderer"

# Database: SQLite in the project folder unless DATABASE_URL points elsewhere.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared between processes (allauth's login rate limits rely on it).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "roundtable_cache",
        }
    }

# Sessions live with the cache: in Redis when REDIS_URL is set (every instance of the portal
# sees the same sessions, and nothing is written to the database per request), in the database
# otherwise. roundtable.signals keeps, per user, the keys of their sessions in the cache so that
# deactivating a user can still end them at once.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cache"
    if os.environ.get("REDIS_URL")
    else "django.contrib.sessions.backends.db"
)

# /healthz checks the cache too when it is a service of its own (Redis).
HEALTHZ_CHECKS_CACHE = bool(os.environ.get("REDIS_URL"))

# Background work (e-mails): run at once in development and tests; with DJANGO_TASKS=db the
# tasks are queued in the database and run by `manage.py db_worker` (see the README).
if os.environ.get("DJANGO_TASKS", "immediate" if DEBUG else "db") == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: log in by e-mail, no open sign-up (accounts are created by staff).
ACCOUNT_ADAPTER = "roundtable.adapters.ClosedSignupAdapter"
ACCOUNT_FORMS = {"login": "roundtable.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tavolo metropolitano] "
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Internationalisation: Italian first, English available; Rome's time zone.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (development, tests) WhiteNoise serves from the finders instead.
WHITENOISE_USE_FINDERS = DEBUG
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Attachments are served through a view that checks who may see the practice, never directly.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# E-mail: printed on the console in development, SMTP when a host is given.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Tavolo metropolitano <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The organisation running this instance: nothing territory-specific lives in code.
ORGANISATION = {
    "name": os.environ.get("ROUNDTABLE_ORG_NAME", "Città metropolitana di Torino"),
    "portal_name": os.environ.get("ROUNDTABLE_PORTAL_NAME", "Tavolo metropolitano"),
    "url": os.environ.get("ROUNDTABLE_ORG_URL", "http://www.cittametropolitana.torino.it/"),
    "contact_email": os.environ.get("ROUNDTABLE_CONTACT_EMAIL", "tavolo@example.org"),
    # The publisher's code in the Italian register of public administrations (IPA), named in
    # the open data catalogue (DCAT-AP_IT); empty when unknown.
    "ipa_code": os.environ.get("ROUNDTABLE_ORG_IPA_CODE", ""),
}
# A meeting's quorum: "majority" (more than half of the zones present) or a number of zones.
ROUNDTABLE_QUORUM = os.environ.get("ROUNDTABLE_QUORUM", "majority")
if ROUNDTABLE_QUORUM != "majority" and not (
    ROUNDTABLE_QUORUM.isdigit() and int(ROUNDTABLE_QUORUM) > 0
):
    raise ImproperlyConfigured("ROUNDTABLE_QUORUM is 'majority' or a number of zones, e.g. 7.")

# The portal's public address, for links in e-mails sent outside a request.
SITE_URL = os.environ.get("ROUNDTABLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The territory file loaded by `manage.py load_territory` when no file is given.
TERRITORY_DIR = Path(os.environ.get("ROUNDTABLE_TERRITORY_DIR", BASE_DIR / "data" / "territory"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # One JSON line per request (roundtable.middleware.RequestLogMiddleware); its own
        # level, so an operator can silence it without silencing errors.
        "roundtable.requests": {"level": os.environ.get("DJANGO_REQUEST_LOG_LEVEL", "INFO")},
        # Django's own line per 4xx/5xx would repeat ours.
        "django.request": {"level": "ERROR"},
    },
}
