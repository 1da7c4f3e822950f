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
    # Our apps, in their dependency order: zones <- plans <- practices <- meetings <- roundtable.
    "zones",
    "plans",
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
    # Staff and administrators without two-step verification are sent to set it up (after
    # AccountMiddleware, so that the user is known).
    "roundtable.mfa.MFARequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: serves a visitor's public pages from the cache (roundtable.page_cache).
    "roundtable.page_cache.AnonymousPageCacheMiddleware",
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
# The visitor's address (login rate limits per address, the audit log): behind N proxies that
# append to X-Forwarded-For, DJANGO_TRUSTED_PROXY_COUNT=N; otherwise every visitor would share
# the proxy's address, and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
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

# Visitors' public pages are kept in the cache this many seconds at most (roundtable.page_cache:
# any change of data starts afresh); 0 turns it off, as in development and tests by default.
PAGE_CACHE_SECONDS = int(os.environ.get("ROUNDTABLE_PAGE_CACHE_SECONDS", "0" if DEBUG else "60"))

# Background work (e-mails): run at once in development and tests; with DJANGO_TASKS=db the
# tasks are queued in the database and run by `manage.py db_worker` (see the README).
if os.environ.get("DJANGO_TASKS", "immediate" if DEBUG else "db") == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

AUTHENTICATION_BACKENDS = [
    # With Redis, each user's permissions are kept there between requests instead of being
    # read from the database on every page (roundtable.permissions_cache).
    "roundtable.permissions_cache.CachedPermissionsBackend"
    if os.environ.get("REDIS_URL")
    else "django.contrib.auth.backends.ModelBackend",
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

# Two-step verification (allauth.mfa): an authenticator app (TOTP) with recovery codes, no
# security keys. Required for the metropolitan staff, admin users and administrators
# (roundtable.mfa). MFA_TOTP_ISSUER, the name the app shows, is the portal's, below.
MFA_ADAPTER = "roundtable.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_REQUIRED_FOR_STAFF = True

# The security audit log (roundtable.audit): events older than this are deleted by
# `manage.py prune_audit_log`, run daily.
AUDIT_LOG_RETENTION_DAYS = int(os.environ.get("DJANGO_AUDIT_RETENTION_DAYS", "365"))

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
# Uploads are read and written through the storage API only, so they may live on a disk shared
# by every instance (DJANGO_MEDIA_ROOT) or, with DJANGO_STORAGE=s3, in an S3-compatible bucket
# (install the optional extra: pip install '.[s3]'). The bucket stays private: files are served
# by the attachment view, which checks who may see them.
DJANGO_STORAGE = os.environ.get("DJANGO_STORAGE", "filesystem").strip().lower() or "filesystem"
if DJANGO_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    # Read by django-storages; unset keys fall back to boto3's own chain (instance roles).
    AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # MinIO, other clouds
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "")  # a folder inside the bucket
    AWS_DEFAULT_ACL = None  # the bucket's own (private) policy, never public-read
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False  # generated names; never replace another file silently
elif DJANGO_STORAGE != "filesystem":
    raise ImproperlyConfigured("DJANGO_STORAGE is 'filesystem' (the default) or 's3'.")
# Attachments are served through a view that checks who may see the practice, never directly.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# E-mail: printed on the console in development, SMTP when a host is given, files in a folder
# with DJANGO_EMAIL_FILE_PATH.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 10
elif os.environ.get("DJANGO_EMAIL_FILE_PATH"):
    # One file per message in a folder: staging, and the scale-out test.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["DJANGO_EMAIL_FILE_PATH"]
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
    # Where the instance is, as a good-practice record states it (practices.record): the
    # region's name and the territory's NUTS code (Eurostat NUTS 2021; ITC11 is Torino).
    "region": os.environ.get("ROUNDTABLE_REGION", "Piemonte"),
    "nuts_code": os.environ.get("ROUNDTABLE_NUTS_CODE", "ITC11"),
}
# The name an authenticator app shows next to the account's codes.
MFA_TOTP_ISSUER = ORGANISATION["portal_name"]
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
if TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
    # A task then runs inside the request or command that queued it, and its "RUNNING" /
    # "SUCCESSFUL" lines are noise (seed_demo printed over a hundred); the worker's lines in
    # production keep the default level.
    LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}
