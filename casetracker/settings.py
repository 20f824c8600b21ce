"""Casetracker settings, read from the environment.

One module for every environment: what differs between a laptop, CI and production is
given by environment variables, documented in README.md.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG", default=False)

# A development key is tolerated only while DEBUG is on: a production server that silently
# signed sessions with a key published in the repository would hand out every account.
SECRET_KEY = os.environ.get("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment "
            "(or DEBUG=1 for local development only)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
# Old keys, newest first, while sessions and encrypted fields move to a new SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# Protected identity fields are encrypted with a key derived from SECRET_KEY and SALT_KEY
# (django-fernet-encrypted-fields). Several salts, comma-separated, newest first, allow key
# rotation: see docs/deployment.md. Same rule as SECRET_KEY: a development salt only with DEBUG.
SALT_KEY = env_list("SALT_KEY")
if not SALT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SALT_KEY is not set. Set SALT_KEY in the environment (the salt of the key that "
            "encrypts protected identities), or DEBUG=1 for local development only."
        )
    SALT_KEY = ["development-only-salt-do-not-use-in-production"]

# The access log and every change history are hash-chained with an HMAC key (apps/core/custody.py),
# so that a row changed or removed in the database behind the application's back is found by
# `manage.py audit_verify`. Several keys, comma-separated, newest first: new links are sealed
# with the first, older links verify with the key they name (rotation: docs/deployment.md). Kept
# apart from the database and its backups, like SECRET_KEY; a development key only with DEBUG.
AUDIT_KEY = env_list("AUDIT_KEY")
if not AUDIT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "AUDIT_KEY is not set. Set AUDIT_KEY in the environment (the key that seals the access "
            "log and the change history), or DEBUG=1 for local development only."
        )
    AUDIT_KEY = ["development-only-audit-key-do-not-use-in-production"]

# The key that encrypts uploaded documents at rest (apps/documents/storage.py). Several keys,
# comma-separated, newest first: files are written with the first and read with any (rotation:
# docs/deployment.md, "Documents"). Kept apart from the database, the files and their backups,
# like SECRET_KEY; a development key only with DEBUG.
DOCUMENTS_KEY = env_list("DOCUMENTS_KEY")
if not DOCUMENTS_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DOCUMENTS_KEY is not set. Set DOCUMENTS_KEY in the environment (the key that encrypts "
            "uploaded documents), or DEBUG=1 for local development only."
        )
    DOCUMENTS_KEY = ["development-only-documents-key-do-not-use-in-production"]

# The Ed25519 key that signs evidence bundles (apps/dossiers/signing.py): base64 of its 32 raw
# bytes, made by `manage.py bundle_signing_key`. Kept like SECRET_KEY: required unless DEBUG is
# on; in development without one, a key is generated once into .local-bundle-signing-key
# (ignored by git, readable by the owner only), so that it is never a key published in the repo.
BUNDLE_SIGNING_KEY = os.environ.get("BUNDLE_SIGNING_KEY", "")
BUNDLE_SIGNING_KEY_FILE = None
if not BUNDLE_SIGNING_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "BUNDLE_SIGNING_KEY is not set. Make one with `python manage.py bundle_signing_key` "
            "and set it in the environment (or DEBUG=1 for local development only)."
        )
    BUNDLE_SIGNING_KEY_FILE = BASE_DIR / ".local-bundle-signing-key"
# Public keys (base64) of earlier signing keys, comma-separated: bundles they signed still verify.
BUNDLE_SIGNING_KEYS_RETIRED = env_list("BUNDLE_SIGNING_KEYS_RETIRED")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with the apps listed in a caseworker's order (apps/workspace/admin_site.py).
    "apps.workspace.admin_site.CasetrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "rest_framework",
    "axes",
    # Two-factor sign-in for staff: authenticator apps (TOTP) and recovery codes (apps/access/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.people",
    "apps.agreements",
    "apps.sources",
    "apps.cases",
    "apps.proceedings",
    "apps.documents",
    "apps.deadlines",
    "apps.access",
    "simple_history",
    "apps.tokens",
    "apps.jobs",
    "apps.dossiers",
    "apps.webhooks",
    "apps.workspace",
    # The admin's spreadsheet export and re-import (apps/core/sheets.py, apps/*/resources.py).
    "import_export",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer a probe before host checks, the HTTPS redirect and
    # sessions, none of which a load balancer's check on a private address gets right.
    "apps.core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database down or read-only: a 503 (problem details under /api/) instead of a 500.
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the one chosen with the admin's switch (a cookie), else Accept-Language,
    # else LANGUAGE_CODE. After sessions, before CommonMiddleware, as Django requires.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which device a session verified with (django-otp), then: a session that gave its password
    # but not yet its code reaches only the second-factor pages.
    "django_otp.middleware.OTPMiddleware",
    "apps.access.middleware.SecondFactorMiddleware",
    # Records who made each change in the history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casetracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casetracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "casetracker.wsgi.application"
ASGI_APPLICATION = "casetracker.asgi.application"

# SQLite in the project folder lets a newcomer start with no server; production and CI
# point DATABASE_URL at PostgreSQL (postgres://user:password@host:port/name).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it: after the database restarts
        # the first request reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers take the write lock when their transaction begins. SQLite's default
            # (deferred) lets two transactions read and then both try to write; one of them
            # then fails at once with "database is locked", whatever the timeout.
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the lock before giving up (the busy timeout).
            "timeout": 20,
            # WAL lets readers go on while one writer writes; synchronous=NORMAL is safe with
            # WAL (a power cut may lose the last commits, never corrupt the file) and spares an
            # fsync per commit.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # With the server down, fail within 2 s (a 503 the client can retry) rather than hold a
    # worker for the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 2

# A read replica (optional): reads outside a transaction go to it, writes and everything in a
# transaction to the primary, and a request that wrote reads from the primary to its end
# (apps/core/db_router.py). Same options as the primary; the tests mirror it onto the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["apps.core.db_router.PrimaryReplicaRouter"]

# Connection pooling on PostgreSQL (psycopg's pool in each server process): DATABASE_POOL=1, or
# DATABASE_POOL=min:max (default 2:8 connections per process), DATABASE_POOL_TIMEOUT seconds a
# request waits for a free connection. Pooled connections replace persistent ones
# (CONN_MAX_AGE 0). With PgBouncer in front instead, leave this unset (docs/deployment.md).
DATABASE_POOL = os.environ.get("DATABASE_POOL", "").strip()
if DATABASE_POOL and DATABASE_POOL.lower() not in {"0", "false", "no", "off"}:
    sizes = ["2", "8"] if DATABASE_POOL.lower() in TRUE_WORDS else DATABASE_POOL.split(":")
    try:
        pool_min, pool_max = (int(size) for size in sizes)
    except ValueError:
        raise ImproperlyConfigured("DATABASE_POOL is 1 or min:max, e.g. 2:8.") from None
    for database in DATABASES.values():
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_POOL works with PostgreSQL only (DATABASE_URL=postgres://…).")
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": pool_min,
            "max_size": pool_max,
            "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        }

# Django's PostgreSQL backend with a health check that asks the connection's socket before it
# asks the server (apps/core/postgresql/base.py): a kept connection is still checked on every
# request, without the round trip of Django's SELECT 1.
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "apps.core.postgresql"

# The reads compiled once (apps/core/prepared.py) run as prepared statements on PostgreSQL, so
# their plans are made once per connection. A pooler in transaction mode that cannot keep
# prepared statements (PgBouncer before 1.21, or without max_prepared_statements) needs
# DATABASE_PREPARED_READS=0 (docs/deployment.md).
DATABASE_PREPARED_READS = os.environ.get("DATABASE_PREPARED_READS", "1").strip().lower() not in {"0", "false", "no", "off"}

# One cache for every server process: throttle counts and login lock-outs must be the same in
# each gunicorn worker. Redis when REDIS_URL is set, else a table in the database (created by
# migrate: apps/core/migrations/0002_cache_table.py), so a small office needs nothing more.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "apps.core.cache.SharedClientRedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database: any web process serves any
    # signed-in user, and a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "casetracker_cache",
            # The default culls at 300 entries, which would forget lock-outs on a busy day.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Heavy work off the request path (apps/jobs). With REDIS_URL, jobs are Celery tasks on that
# Redis, run by `celery -A casetracker worker` (and periodic work by `celery -A casetracker beat`);
# without it, by a background thread of the server process, so `make run` needs nothing more.
JOBS_BACKEND = "celery" if REDIS_URL else "thread"
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL or None
# A job's state lives in its Job row; Celery's own result is not read.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it ends, so a worker killed mid-render hands it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One render at a time per worker process: a long PDF must not hold back the tasks queued behind it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work, run by `celery -A casetracker beat` (its own process; see docs/deployment.md).
# Without Redis there is no beat: cron runs the same work as management commands.
CELERY_BEAT_SCHEDULE = {
    # Jobs finished more than JOBS_KEEP_DAYS ago, their files, and jobs left queued or running
    # by a process that stopped (apps/jobs/tasks.py).
    "jobs-prune": {"task": "jobs.prune", "schedule": crontab(hour=3, minute=10)},
    # Idempotency-Key answers past IDEMPOTENCY_KEY_HOURS (apps/core/idempotency.py).
    "idempotency-prune": {"task": "jobs.idempotency_prune", "schedule": crontab(hour=3, minute=20)},
    # Deadlines whose day passed become missed, just after midnight; then the day's T-5 and
    # T-1 working-day reminders (apps/deadlines/tasks.py; each safe to run again).
    "deadlines-mark-missed": {"task": "deadlines.mark_missed", "schedule": crontab(hour=0, minute=15)},
    "reminders-send": {"task": "deadlines.reminders_send", "schedule": crontab(hour=7, minute=0)},
    # Webhook deliveries whose next attempt is due but that no worker holds (a restarted
    # server's lost timers), and old deliveries pruned (apps/webhooks/tasks.py).
    "webhooks-retry-due": {"task": "webhooks.retry_due", "schedule": crontab(minute="*/5")},
    "webhooks-prune": {"task": "webhooks.prune", "schedule": crontab(hour=3, minute=40)},
    # Every audit chain walked; a break is logged as an error (apps/core/tasks.py).
    "audit-verify": {"task": "core.audit_verify", "schedule": crontab(hour=3, minute=30)},
    # Uploaded spreadsheets never confirmed, after SHEETS_UPLOAD_HOURS (apps/core/sheets.py).
    "sheets-prune": {"task": "core.sheets_prune", "schedule": crontab(minute=40)},
    # The nightly backup is docker-compose's `backup` service (scripts/backup-nightly.sh), not a
    # task: it needs pg_dump and the backups volume, which the workers do not mount.
}
# How many threads run jobs in each server process without Redis.
JOBS_THREADS = int(os.environ.get("JOBS_THREADS", "1"))
# Attempts per job; a transient failure waits JOBS_RETRY_BACKOFF seconds, doubled each time.
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
JOBS_RETRY_BACKOFF = float(os.environ.get("JOBS_RETRY_BACKOFF", "10"))
# Finished jobs and their files are kept this long (a render stays cached while a job holds it).
JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "7"))
# A job queued or running for longer belongs to a process that stopped: pruning fails it.
JOBS_STALE_MINUTES = int(os.environ.get("JOBS_STALE_MINUTES", "60"))
# Files users upload or jobs make (rendered dossiers); never served directly, only through
# scoped, logged downloads. Give every web and worker process the same folder (a shared volume).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Spreadsheets uploaded to the admin's import, kept encrypted between the preview and the
# confirmation (apps/core/sheets.py), deleted on confirmation or after SHEETS_UPLOAD_HOURS.
SHEETS_UPLOAD_ROOT = Path(os.environ.get("SHEETS_UPLOAD_ROOT") or MEDIA_ROOT / "sheets")
SHEETS_UPLOAD_HOURS = float(os.environ.get("SHEETS_UPLOAD_HOURS", "24"))
# A confirmed import of more rows than this is applied by a job (apps/workspace/sheet_jobs.py).
SHEETS_IMPORT_JOB_ROWS = int(os.environ.get("SHEETS_IMPORT_JOB_ROWS", "500"))
# An admin export of more rows than this is written by a job (apps/workspace/sheet_jobs.py);
# a smaller CSV is streamed, a smaller XLSX built in the request.
SHEETS_EXPORT_JOB_ROWS = int(os.environ.get("SHEETS_EXPORT_JOB_ROWS", "5000"))
JOBS_FILES_ROOT = Path(os.environ.get("JOBS_FILES_ROOT") or MEDIA_ROOT / "jobs")
# Uploaded documents, encrypted, each under a random name (apps/documents/storage.py).
DOCUMENTS_ROOT = Path(os.environ.get("DOCUMENTS_ROOT") or MEDIA_ROOT / "documents")
# The largest document an upload accepts, in bytes.
DOCUMENTS_MAX_BYTES = int(os.environ.get("DOCUMENTS_MAX_BYTES", str(25 * 1024 * 1024)))
# The languages tesseract reads scans in (its codes, joined by "+"): docs/deployment.md.
DOCUMENTS_OCR_LANGUAGES = os.environ.get("DOCUMENTS_OCR_LANGUAGES", "eng+rus+kor")

# API list exports (apps/core/api/exports.py): rows read and serialized at a time (a server-side
# cursor on PostgreSQL), and the largest XLSX made in the request; a larger one is a job.
EXPORT_CHUNK_SIZE = int(os.environ.get("EXPORT_CHUNK_SIZE", "500"))
EXPORT_XLSX_SYNC_ROWS = int(os.environ.get("EXPORT_XLSX_SYNC_ROWS", "5000"))

# How many reverse proxies sit in front of the app, each appending to X-Forwarded-For. The
# client's address is read from the right of that header, past them (apps/core/client_address.py);
# 0 means clients connect to gunicorn directly and REMOTE_ADDR is theirs.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The seed data (`loaddata seed`), built by `manage.py build_seed_fixtures`.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# dumpdata writes encrypted fields (protected identities) as ciphertext, never in clear; the
# backup itself is `manage.py backup` (docs/deployment.md, "Backups").
# (Once left out because the browser test of the PDF dossier timed out with it: that test
# timed out without it too, the PDF then rendered inside the request past the browser's
# 10-second wait; the render is a job now, and the formats were never the cause.)
SERIALIZATION_MODULES = {fmt: f"apps.core.dumpformats.{fmt}" for fmt in ("json", "jsonl", "xml", "yaml")}

# The largest file or text an article import accepts (apps/sources/ingestion/decoding.py).
ARTICLE_IMPORT_MAX_BYTES = int(os.environ.get("ARTICLE_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# A search ranked by relevance ranks at most this many of the newest matching articles
# (apps/sources/selectors.py article_search): a common word costs the same as a rare one.
ARTICLE_SEARCH_RANK_LIMIT = 1000
# An admin changelist counts at most this many rows (apps/core/admin_lists.py).
ADMIN_COUNT_CAP = 1000
# The largest request body (JSON or form), derived from the import limit so that an article
# of that size always fits: escaped as JSON (\uXXXX) or URL-encoded (%XX) for the admin's paste
# preview, its text can grow threefold; 64 KiB for the other fields. Over it: a 413 problem.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * ARTICLE_IMPORT_MAX_BYTES + 64 * 1024

# Axes first: it refuses a locked-out sign-in before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# After LOGIN_THROTTLE_LIMIT failed attempts for one username (known or not) or from one address,
# sign-in is refused for LOGIN_THROTTLE_WINDOW seconds (django-axes; apps/access/lockout.py).
LOGIN_THROTTLE_LIMIT = int(os.environ.get("LOGIN_THROTTLE_LIMIT", "5"))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", "900"))
# Counts in the shared cache above: no table of who tried which username.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
# Staff who can see protected identities, and superusers, sign in with a second factor (TOTP);
# wrong codes count toward the same lock-out. OTP_REQUIRED=0 turns the requirement off (for a
# closed demo only; docs/deployment.md).
OTP_REQUIRED = os.environ.get("OTP_REQUIRED", "1") != "0"
OTP_TOTP_ISSUER = "Casetracker"
AXES_FAILURE_LIMIT = LOGIN_THROTTLE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(seconds=LOGIN_THROTTLE_WINDOW)
# Either one locks: a username guessed from many addresses, an address guessing many usernames.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success clears the counts; failures during a lock-out do not prolong it, so the page's
# "try again in N minutes" stays true.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "apps.core.client_address.client_ip"
AXES_USERNAME_CALLABLE = "apps.access.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "apps.access.lockout.lockout_response"
# Its admin pages show the attempts its database handler would store; the cache handler stores none.
AXES_ENABLE_ADMIN = False
# Refused sign-ins are in the access log (LOGIN_THROTTLED); axes's own chatter would only repeat them.
AXES_VERBOSE = False

# Sessions end when the browser closes and after SESSION_COOKIE_AGE seconds at most (8 hours
# by default: a working day), so a forgotten laptop does not stay signed in.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS everywhere outside development. Each can be turned off by its environment variable,
# e.g. SECURE_SSL_REDIRECT=0 when the proxy in front already redirects.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=True)
    if env_flag("SECURE_PROXY_SSL_HEADER"):
        # Only behind a proxy that sets X-Forwarded-Proto itself and strips the client's.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The languages the interface, the API's messages and the dossiers are offered in. The Russian
# catalogue is locale/ru/LC_MESSAGES/django.po, compiled by `make install` (docs/translation.md).
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# The beat schedule's hours are in the same zone.
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

LOGIN_URL = "admin:login"

REST_FRAMEWORK = {
    # Bearer first: its WWW-Authenticate header makes a request without credentials a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.tokens.authentication.BearerTokenAuthentication",
        # Django's session, except one still owing its second factor (apps/access/two_factor.py).
        "apps.access.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.tokens.permissions.TokenScopePermission",
        "apps.core.api.policies.ModelPermissions",
    ],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.policies.StrictJSONParser"],
    # DRF's JSON written by orjson (apps/core/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "apps.core.api.filtering.ApiFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.policies.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["apps.tokens.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_THROTTLE_RATE", "5000/hour")},
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.problems.problem_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Casetracker API",
    "DESCRIPTION": (
        "Cases, people, proceedings, agreements and their sources, for integrations. "
        "Authenticate with `Authorization: Bearer <token>` (create one with "
        "`manage.py create_api_token USERNAME --scope read|write`). Errors are RFC 9457 "
        "problem details (`application/problem+json`). Partial dates are written as text "
        "(`1997`, `spring 2013`, `January 2016`, `14 Nov 2014`, `c. 1980`) and read as objects."
    ),
    # 2.0.0: PUT, PATCH and DELETE need If-Match (docs/api.md, "Changes").
    "VERSION": "2.0.0",
    # Request bodies of the write serializers allow no unknown properties (apps.core.api.fields).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.fields.strict_request_bodies",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "apps.cases.models.Case.Status",
        "IndividualStatusEnum": "apps.people.models.Individual.Status",
        "ProceedingStatusEnum": "apps.proceedings.models.Proceeding.Status",
        "AgreementStatusEnum": "apps.agreements.models.Agreement.Status",
        "CountryEnum": "apps.core.api.fields.COUNTRY_CHOICES",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Webhooks (apps/webhooks): signed POSTs to integrations' addresses. An address whose host
# resolves to a private, loopback, link-local, multicast or reserved network is refused unless
# its host is listed here (comma separated, e.g. an integration on the same private network).
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", "")
# Where receivers reach this installation's API, for the `url` in each payload
# (e.g. https://casetracker.example.org); without it the payload carries the path alone.
WEBHOOK_PUBLIC_URL = os.environ.get("WEBHOOK_PUBLIC_URL", "").rstrip("/")
# Seconds to connect, and to wait for each read of the answer; redirects are never followed.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
# Seconds before each retry of a delivery that failed: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h,
# then it is marked failed (seven attempts over about 21 hours).
WEBHOOK_RETRY_SCHEDULE = (60, 300, 1800, 7200, 21600, 43200)
# Finished deliveries (delivered or failed) are kept this long in the delivery log.
WEBHOOK_DELIVERY_KEEP_DAYS = int(os.environ.get("WEBHOOK_DELIVERY_KEEP_DAYS", "30"))

# E-mail (deadline reminders, apps.deadlines): printed to the console unless an SMTP server is
# named. EMAIL_HOST set switches to SMTP; the rest are Django's own settings.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casetracker@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
