"""
Settings for the Yantai newspaper archive.

Everything that differs between a laptop and production is read from the
environment here, at the top; the defaults are the quick start (SQLite, debug
off unless asked for).
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG")
HTTPS = env_flag("DJANGO_HTTPS")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
# The key of the digests by which an exact resident ID number finds its notice, so that the
# search index and the number keys hold no ID (paper.text.resident_id_digest). Without it, a
# key derived from the secret key; after changing either, run `manage.py rebuild_search_index`.
RESIDENT_ID_KEY = (
    os.environ.get("DJANGO_RESIDENT_ID_KEY")
    or hashlib.sha256(f"resident-id-digest:{SECRET_KEY}".encode()).hexdigest()
)

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
    ).split(",")
    if host.strip()
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL cancels a statement that runs longer than this (milliseconds; 0 sets none), so that
# a runaway query answers a 503 page (paper.middleware) well before gunicorn's 30 s timeout
# kills the worker. gunicorn (paper/gunicorn.conf.py) sets 10 s; management commands, which
# may rightly run for minutes (an import, an index on a million rows), set none.
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT") or "0")
if "postgresql" in DATABASES["default"]["ENGINE"]:
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # No JIT compilation: where the planner overrates a query that stops after a page of rows
    # (a list filtered by a common name), compiling it took 130 ms of a 0.2 s request. No
    # parallel workers either: starting them took 27 of the 32 ms of the keys of a list's page
    # (版号 A01 at 1M; 1 ms without), and the web workers already keep the cores busy.
    session = ["-c jit=off", "-c max_parallel_workers_per_gather=0"]
    if DB_STATEMENT_TIMEOUT_MS:
        session.append(f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}")
    # libpq's options, after any the URL gave (?options=…).
    db_options["options"] = " ".join(filter(None, [db_options.get("options"), *session]))

INSTALLED_APPS = [
    "paper",
    "articles",
    "notices",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "django_filters",
    "csp",
    "paper.apps.AxesConfig",  # django-axes, named in Chinese
    "django_ratelimit",
]

# The order is Django's documented one: the cache's two halves outermost and innermost, the
# conditional GET (ETag, 304) outside everything that changes the body, axes last.
MIDDLEWARE = [
    "paper.caching.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, for HEAD as well as GET (same ETag and Last-Modified, same 304).
    "paper.middleware.ConditionalGetMiddleware",
    # Inside the conditional GET and the cache: what they keep and compare is already masked.
    "paper.middleware.ResidentIdMaskMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "paper.middleware.DatabaseUnavailableMiddleware",
    # Before the page cache answers, so that a lookup served from a cached copy still counts.
    "paper.middleware.ResidentIdLookupLimitMiddleware",
    "paper.caching.FetchFromCacheMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "paper.urls"
WSGI_APPLICATION = "paper.wsgi.application"

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
                "paper.context_processors.paper",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
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
# Hashed file names may be cached for a year; WhiteNoise does so when debug is off.
WHITENOISE_MAX_AGE = 0 if DEBUG else 31536000

# Uploaded and rendered files: page PDFs and scans, page images. A folder by default; with
# DJANGO_MEDIA_BUCKET, a bucket of any S3-compatible store through django-storages (which
# is then to be installed: pip install "django-storages[s3]"; credentials from the usual
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables).
if os.environ.get("DJANGO_MEDIA_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_MEDIA_BUCKET"],
            "endpoint_url": os.environ.get("DJANGO_MEDIA_ENDPOINT") or None,
            "region_name": os.environ.get("DJANGO_MEDIA_REGION") or None,
            "custom_domain": os.environ.get("DJANGO_MEDIA_DOMAIN") or None,
            # Page images are public and their names cannot be guessed: plain, cacheable URLs.
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# Django serves MEDIA_ROOT itself only where nothing in front of it does: development and tests.
SERVE_MEDIA = env_flag("DJANGO_SERVE_MEDIA", DEBUG)
# The largest page file (PDF or scan) an editor may attach.
PAGE_FILE_MAX_MB = int(os.environ.get("PAGE_FILE_MAX_MB", "50"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def media_origins():
    """Where page images come from when not from this site: the CSP's other image sources."""
    origins = []
    media_url = urlsplit(MEDIA_URL)
    if media_url.netloc:
        origins.append(
            f"{media_url.scheme}://{media_url.netloc}" if media_url.scheme else media_url.netloc
        )
    storage = STORAGES["default"].get("OPTIONS", {})
    if storage.get("custom_domain"):
        # django-storages writes https://<custom_domain>/<name>.
        origins.append(f"https://{storage['custom_domain']}")
    elif storage.get("endpoint_url"):
        # Path-style (endpoint/bucket/name) or virtual-hosted (bucket.endpoint/name) URLs.
        endpoint = urlsplit(storage["endpoint_url"])
        origins += [
            f"{endpoint.scheme}://{endpoint.netloc}",
            f"{endpoint.scheme}://*.{endpoint.netloc}",
        ]
    elif storage.get("bucket_name"):
        origins.append(f"https://{storage['bucket_name']}.s3.amazonaws.com")
        if storage.get("region_name"):
            origins.append(
                f"https://{storage['bucket_name']}.s3.{storage['region_name']}.amazonaws.com"
            )
    return origins


# Content-Security-Policy (django-csp): scripts, styles and fonts only from files this site
# serves, never inline; images also from the media store when it is another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *media_origins()],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The admin login (django-axes): failures are counted for a username at an address, and for
# an address whatever usernames it tries; five of either lock that address out for fifteen
# minutes, and a success clears the count. An account is never locked as such, so nobody
# elsewhere can lock an editor out. Axes locks when any parameter set reaches the one limit, so
# the address set, which counts every failure the pair counts, decides alone; the pair stays
# as the first rule, the one left if the address rule is ever dropped.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind the reverse proxy (which DJANGO_HTTPS implies) every request comes from the proxy's
# address; the reader's is the last one the proxy put in X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_flag("DJANGO_TRUST_X_FORWARDED_FOR", HTTPS)
# Not axes' AXES_IPWARE_* settings: no django-ipware configuration takes exactly the last entry.
# Strict, it drops any chain longer than the proxy count; lenient, it skips a bad last entry and
# takes the client's own entry before it, and either way it prefers a public REMOTE_ADDR to a
# private forwarded address (tests/paper/test_http.py has the cases).
AXES_CLIENT_IP_CALLABLE = "paper.http.client_ip"

# Public pages are cached whole, and browsers and CDNs are told to keep them five minutes (the
# home page one; Cache-Control max-age, ETag). The server's copy is shared by every worker in
# Redis (Django's RedisCache at DJANGO_PAGE_CACHE_URL, database 2 by default) and dropped when
# anything an editor or an import changes is saved (paper/caching.py): readers see an edit on
# their next request. With DJANGO_DEBUG=1 (the quick start) each process keeps its own copy in
# memory; DJANGO_CACHE=off keeps none (benchmarks of the uncached site). The admin and the
# health checks are never cached.
CACHE_MIDDLEWARE_SECONDS = 300
CACHE_MIDDLEWARE_KEY_PREFIX = "pages"
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "redis://127.0.0.1:6379/1")
PAGE_CACHE_URL = os.environ.get("DJANGO_PAGE_CACHE_URL", "redis://127.0.0.1:6379/2")
if os.environ.get("DJANGO_CACHE") == "off":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif DEBUG or not PAGE_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},  # pages of 5–60 KB: at most ~50 MB a process
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PAGE_CACHE_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_PAGE_CACHE_PREFIX", "yantai"),
            # A cache that does not answer within a second is skipped: the page is rendered.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# Exact lookups by a full resident ID number (a holder or an official checking that a notice
# ran) are limited per address by django-ratelimit (paper.middleware), counted in Redis so that
# every worker and server shares one count. While Redis cannot be reached such lookups answer
# 503 and nothing else is affected. DJANGO_REDIS_URL empty (debug only) counts in each
# process's memory instead, for a laptop without Redis.
# A form sent without its token (cookies blocked, a page elsewhere) gets the site's own 403.
CSRF_FAILURE_VIEW = "paper.views.csrf_failure"
RESIDENT_ID_LOOKUPS_PER_MINUTE = 20
# Readers' corrections of recognised (OCR) text, per address: enough for a reader going through
# a page, too few to flood the editors' queue (articles.views.article_suggest).
TEXT_SUGGESTIONS_PER_HOUR = 10
if REDIS_URL:
    CACHES["limits"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "yantai",
        # Fail in a second rather than hold a worker while Redis is away.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
elif DEBUG:
    CACHES["limits"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    raise ImproperlyConfigured("DJANGO_REDIS_URL may be empty only with DJANGO_DEBUG=1.")
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_IP_META_KEY = "paper.http.client_ip"  # IPv6 addresses count by their /64
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit's list of supported caches predates Django's own Redis backend, which
    # is shared and increments atomically (INCR).
    "django_ratelimit.W001",
    # The per-process counter of a laptop without Redis (debug only, see above).
    *([] if REDIS_URL else ["django_ratelimit.E003"]),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No resident ID reaches a log, whatever a message quotes (a path, a URL).
    "filters": {"resident_ids": {"()": "paper.log.MaskResidentIds"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["resident_ids"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The paper whose issues this archive keeps: shown in the masthead and on proofs.
PAPER_NAME = os.environ.get("PAPER_NAME", "烟台日报")
# The paper's name in ASCII, for file names where a Chinese one cannot go (downloads).
PAPER_SLUG = os.environ.get("PAPER_SLUG", "yantai-ribao")

# OCR of scanned pages (paper.ocr). `manage.py ocr_pages` reads the pages in its own process,
# or, with OCR_BROKER_URL (redis://… or amqp://…), sends each page to Celery workers as a task
# (paper.ocr.tasks; start them with `celery -A paper worker`). A page is claimed by one run
# at a time; a claim older than OCR_LEASE_SECONDS is taken to be of a run that died.
OCR_BROKER_URL = os.environ.get("OCR_BROKER_URL", "")
# Where the tasks' results go (redis://…): only for those who follow tasks one by one; the
# batch command follows the pages' progress in the database.
OCR_RESULT_BACKEND = os.environ.get("OCR_RESULT_BACKEND", "")
OCR_QUEUE = os.environ.get("OCR_QUEUE", "ocr")
OCR_LEASE_SECONDS = int(os.environ.get("OCR_LEASE_SECONDS") or "900")
# Celery (paper/celery.py reads the CELERY_ settings). A task is acknowledged when it is done,
# not when it is taken, and one whose worker died goes back to the queue: a page is never lost,
# and the claim keeps it from being read twice. Each worker process takes one page at a time.
CELERY_BROKER_URL = OCR_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = OCR_RESULT_BACKEND or None
CELERY_TASK_IGNORE_RESULT = not OCR_RESULT_BACKEND
CELERY_TASK_DEFAULT_QUEUE = OCR_QUEUE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis gives an unacknowledged task to another worker after this long: longer than any page.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_TIMEZONE = TIME_ZONE
