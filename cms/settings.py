"""Settings for the CMS, read from the environment in this one place.

Without any environment variable the site runs as a development setup:
SQLite file, console email, local-memory cache. Production sets DEBUG=0 (the
default), SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL and REDIS_URL.
See docs/configuration.md.
"""

import ipaddress
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    return int(os.environ.get(name, default))


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# While app servers move to a new SECRET_KEY, the old one(s) here keep signed cookies,
# form tokens and sessions made with them valid until they expire; then remove them.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without it: "
            "set SECRET_KEY to a long random string, or DEBUG=1 for development."
        )
    # Development only: check --deploy flags the "django-insecure-" prefix.
    SECRET_KEY = "django-insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Refused forms (a cross-site post, an expired admin form) show the reader's text back.
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Well Informed")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    # Search vectors, GIN and trigram indexes on PostgreSQL; harmless on SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # An ETag on every page, and 304 for a reader (or the shared cache) who has it already.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before whitenoise, which answers static files itself: they get the headers too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last: refuses a form it cannot decode before anything reads it (cms/refusals.py).
    "cms.refusals.FormEncodingMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

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
                "cms.context_processors.site",
            ],
            # ``|html_datetime`` for every <time datetime="...">, without a {% load %}.
            "builtins": ["articles.templatetags.html_time"],
        },
    },
]

# Database: SQLite file for development, DATABASE_URL (PostgreSQL) in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite. Writers take the lock when their
    # transaction starts and wait for each other instead of failing with "database is
    # locked"; the test database is a file so that threads and processes share it as
    # they share the real one.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"cms-test-{os.getpid()}.sqlite3")
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database must fail fast (and /healthz say so), not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), else local memory.
# It holds the rendered comment threads (cms/caching.py) and the rate-limit counters.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cms"),
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {
                # A Redis that is down or stops answering must not take the site with it:
                # every cache operation then gives up quickly and counts as a miss (logged),
                # pages render from the database, and rate limits let posts through.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 60 * 60 * 24,
        }
    }
# The rendered pieces of pages (the article, the comment thread) are kept in each process's
# own memory: their keys name the version and the page stamp, read from the database
# on every request, so a copy is exactly as fresh as a shared one would be, and reading it
# costs no round trip to Redis (cms/caching.py). A change makes new keys; old ones expire.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "page-fragments",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 500)},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One way of showing dates on the site and in the admin (cms/formats/en/formats.py).
FORMAT_MODULE_PATH = ["cms.formats"]

STATIC_URL = "static/"
# Where collectstatic puts the files whitenoise serves (and a CDN fetches).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (images, documents): the local filesystem under MEDIA_ROOT by default, served
# by the site itself behind the HTTP cache (articles/media_views.py, docs/images.md); with
# several app servers, an S3-compatible object store (django-storages) that they share.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY", ""),
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
            # Names carry their content's hash: a file is never overwritten or changed.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # Where browsers fetch those files from, for the Content-Security-Policy's img-src.
    MEDIA_ORIGIN = (
        f"https://{MEDIA_STORAGE['OPTIONS']['custom_domain']}"
        if MEDIA_STORAGE["OPTIONS"]["custom_domain"]
        else urlsplit(os.environ.get("MEDIA_S3_ENDPOINT_URL", ""))._replace(path="").geturl()
        or f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"
    )
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ORIGIN = ""  # served by the site itself (articles/media_views.py)

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: console in development; EMAIL_HOST and friends in production.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# MANAGERS="Ann <ann@example.org>,bob@example.org"
MANAGERS = [(address, address) for address in env_list("MANAGERS")]
ADMINS = [(address, address) for address in env_list("ADMINS")]

# Security. HTTPS settings switch on with SECURE_SSL_REDIRECT (the default in production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
BEHIND_PROXY = env_bool("BEHIND_PROXY")
if BEHIND_PROXY:
    # Only behind a proxy that sets this header itself, never passes the client's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# The proxies whose X-Forwarded-For entries are believed (cms/addresses.py): addresses or
# networks, e.g. the load balancer's and the Varnish nodes'. Loopback: `make serve`.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.0/8,::1")
try:
    [ipaddress.ip_network(entry, strict=False) for entry in TRUSTED_PROXIES]
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
# Load balancers probe /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Admin sign-in: after this many failures from one address or for one username,
# every attempt is refused for this long (cms/admin_login.py).
ADMIN_LOGIN_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
ADMIN_LOGIN_LOCKOUT_SECONDS = env_int("ADMIN_LOGIN_LOCKOUT_SECONDS", 15 * 60)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Articles
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 10)

# Images (articles/images.py). An upload larger than IMAGES_MAX_BYTES, or with more pixels
# than IMAGES_MAX_PIXELS, is refused before it is decoded (a decompression bomb is small on
# disk and huge in memory). Renditions are made once, at these widths, in these formats.
IMAGES_MAX_BYTES = env_int("IMAGES_MAX_BYTES", 30 * 1024 * 1024)
IMAGES_MAX_PIXELS = env_int("IMAGES_MAX_PIXELS", 50_000_000)
IMAGES_WIDTHS = [int(width) for width in env_list("IMAGES_WIDTHS", "320,640,960,1280,1600")]
IMAGES_FORMATS = env_list("IMAGES_FORMATS", "avif,webp")
# On (the default for a new site): an editor can publish only a version a medical reviewer
# has approved, and the editor's primary button is "Send for review". 0 turns it off.
REVIEW_REQUIRED_TO_PUBLISH = env_bool("REVIEW_REQUIRED_TO_PUBLISH", True)
# The shared HTTP cache in front of the app servers (deploy/varnish, cms/caching.py).
# How long it keeps a reader's page, at most: every change purges the page at once, so
# this only bounds what a lost purge could leave behind. Also how long a process keeps a
# rendered piece of a page (CACHES["fragments"]).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60 * 60)
# How long Varnish keeps one reader's part of the article page (their pending comments,
# saved details, messages), keyed by their cookies: a change purges it with the page, so
# this bounds a lost purge and the cache's memory spent on readers who do not come back.
PERSONAL_PART_SECONDS = env_int("PERSONAL_PART_SECONDS", 5 * 60)
# The cache nodes to purge after a change ("http://10.0.0.5:80,http://10.0.0.6:80");
# empty: no shared cache, nothing to purge.
HTTP_CACHE_NODES = env_list("HTTP_CACHE_NODES")
HTTP_CACHE_PURGE_TIMEOUT = float(os.environ.get("HTTP_CACHE_PURGE_TIMEOUT", "2"))
# Each purge is sent again this many seconds later (coalesced): it drops a page that was
# being rendered from the rows of before the change when the first purge came. 0: never.
HTTP_CACHE_REPURGE_SECONDS = float(os.environ.get("HTTP_CACHE_REPURGE_SECONDS", "1"))
# Cookies that make a page personal: with one of them the shared cache passes the request
# to Django, which renders a private page. deploy/varnish/default.vcl names the same list.
PERSONAL_COOKIES = frozenset({"sessionid", "messages", "cms_own_comments", "cms_comment_author"})

# Comments: each rule of comments/moderation.py reads its setting here.
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 5)
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never close
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)
COMMENTS_MAX_FORM_AGE = env_int("COMMENTS_MAX_FORM_AGE", 60 * 60 * 24)
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
COMMENTS_MODERATION_WORDS = env_list("COMMENTS_MODERATION_WORDS")
COMMENTS_DISALLOWED_WORDS = env_list("COMMENTS_DISALLOWED_WORDS")
COMMENTS_APPROVE_KNOWN_EMAILS = env_bool("COMMENTS_APPROVE_KNOWN_EMAILS", True)
# The trust ladder: a commenter who proves the address is published at once after this many
# approved comments under it; held when most of its last COMMENTS_REJECTED_WINDOW decided
# comments were rejected or spam.
COMMENTS_TRUST_AFTER_APPROVED = env_int("COMMENTS_TRUST_AFTER_APPROVED", 1)
COMMENTS_REJECTED_WINDOW = env_int("COMMENTS_REJECTED_WINDOW", 5)
COMMENTS_RATE_LIMIT = env_int("COMMENTS_RATE_LIMIT", 5)  # per IP address
COMMENTS_RATE_PERIOD = env_int("COMMENTS_RATE_PERIOD", 60)  # seconds
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", 15)
# What a reader with a held comment is told about the wait: "Moderators usually review
# comments within a day." Words, not a number: the desk's own promise.
COMMENTS_USUAL_REVIEW_TIME = os.environ.get("COMMENTS_USUAL_REVIEW_TIME", "within a day")
# Edits after approval (comments/editing.py): a substantive change of an approved comment
# (more than COMMENTS_EDIT_MINOR_CHARACTERS characters changed, or a link added) waits for
# a moderator; and each address may save at most COMMENTS_EDIT_RATE_LIMIT edits a period.
COMMENTS_EDITS_WAIT_FOR_MODERATOR = env_bool("COMMENTS_EDITS_WAIT_FOR_MODERATOR", True)
COMMENTS_EDIT_MINOR_CHARACTERS = env_int("COMMENTS_EDIT_MINOR_CHARACTERS", 20)
COMMENTS_EDIT_RATE_LIMIT = env_int("COMMENTS_EDIT_RATE_LIMIT", 5)  # per IP address
COMMENTS_EDIT_RATE_PERIOD = env_int("COMMENTS_EDIT_RATE_PERIOD", 300)  # seconds
COMMENTS_KEEP_IP_DAYS = env_int("COMMENTS_KEEP_IP_DAYS", 90)
# Who is emailed about a new pending comment; the site MANAGERS when empty.
COMMENTS_MODERATORS = env_list("COMMENTS_MODERATORS") or [address for _, address in MANAGERS]
# Reader reports (comments/reports.py): a comment is hidden until a moderator decides once
# its reports weigh this much (each network once: 1 from a new address, 3 from a reader
# the site knows), unless a moderator approved it after reports.
COMMENTS_HIDE_REPORT_WEIGHT = env_int("COMMENTS_HIDE_REPORT_WEIGHT", 6)
COMMENTS_REPORT_RATE_LIMIT = env_int("COMMENTS_REPORT_RATE_LIMIT", 10)  # reports per network...
COMMENTS_REPORT_RATE_PERIOD = env_int("COMMENTS_REPORT_RATE_PERIOD", 60 * 60)  # ...per period
# Reply notifications: how long a confirmation link works, and an unsubscribe link.
COMMENTS_CONFIRM_LINK_DAYS = env_int("COMMENTS_CONFIRM_LINK_DAYS", 7)
COMMENTS_UNSUBSCRIBE_LINK_DAYS = env_int("COMMENTS_UNSUBSCRIBE_LINK_DAYS", 365 * 2)
# At most this many confirmation emails to one address a day: a form is no way to flood a mailbox.
COMMENTS_CONFIRMATIONS_PER_DAY = env_int("COMMENTS_CONFIRMATIONS_PER_DAY", 3)

# Work that may wait goes to queues in the database; `make worker` runs them: "mail" (every
# email, comments/mail.py) and "schedule" (scheduled updates and withdrawals carried out at
# their time, articles/schedule.py). A failed delivery is tried again after
# EMAIL_RETRY_SECONDS, then twice as long each time, EMAIL_MAX_ATTEMPTS times in all; then it
# shows as failed in the admin.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["mail", "schedule"],
    }
}
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6)
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", 60)
# A task a worker started and did not finish in this many seconds (the worker was killed) is
# taken up again by the next worker; an email is sent by one worker at a time all the same
# (comments/mail.py). Longer than the slowest SMTP conversation (EMAIL_TIMEOUT per step).
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 300)
# How often a worker writes its heartbeat; the status report calls it late after 3 beats.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
LOGIN_URL = "admin:login"
