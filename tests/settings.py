"""The project settings, with what a test run needs and nothing else changed.

The suite must test the same settings whatever shell starts it: a developer who exported
DEBUG=1 for `make run`, or SECRET_KEY to try production, would otherwise run the tests with
DEBUG on and the security settings off. So every variable the settings read is removed from
the environment before they read it, except DATABASE_URL, which chooses the database the suite
runs on (SQLite by default, PostgreSQL in CI). The processes tests start inherit the same
environment.
"""

import os

# Every variable casetracker/settings.py reads but DATABASE_URL. tests/core/test_test_settings.py
# fails when the settings read one that is missing here.
CALLER_VARIABLES_IGNORED = frozenset(
    {
        "DEBUG",
        "SECRET_KEY",
        "SECRET_KEY_FALLBACKS",
        "SALT_KEY",
        "AUDIT_KEY",
        "BUNDLE_SIGNING_KEY",
        "BUNDLE_SIGNING_KEYS_RETIRED",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASE_CONN_MAX_AGE",
        "DATABASE_REPLICA_URL",
        "DATABASE_POOL",
        "DATABASE_POOL_TIMEOUT",
        "DATABASE_PREPARED_READS",
        "ARTICLE_IMPORT_MAX_BYTES",
        "LOGIN_THROTTLE_LIMIT",
        "LOGIN_THROTTLE_WINDOW",
        "SESSION_COOKIE_AGE",
        # The second factor is required in the tests as in production (tests/conftest.py signs
        # staff in with it), whatever the shell says.
        "OTP_REQUIRED",
        # Deadline reminders' mail: the tests use Django's in-memory outbox whatever the shell says.
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_REFERRER_POLICY",
        "TIME_ZONE",
        "LOG_LEVEL",
        "API_THROTTLE_RATE",
        "REDIS_URL",
        "TRUSTED_PROXY_COUNT",
        "JOBS_THREADS",
        "JOBS_MAX_ATTEMPTS",
        "JOBS_RETRY_BACKOFF",
        "JOBS_KEEP_DAYS",
        "JOBS_STALE_MINUTES",
        "MEDIA_ROOT",
        "JOBS_FILES_ROOT",
        "WEBHOOK_ALLOWED_HOSTS",
        "WEBHOOK_PUBLIC_URL",
        "WEBHOOK_TIMEOUT",
        "WEBHOOK_DELIVERY_KEEP_DAYS",
        "DOCUMENTS_KEY",
        "DOCUMENTS_ROOT",
        "DOCUMENTS_MAX_BYTES",
        "DOCUMENTS_OCR_LANGUAGES",
        "EXPORT_XLSX_SYNC_ROWS",
        "EXPORT_CHUNK_SIZE",
        "SHEETS_UPLOAD_ROOT",
        "SHEETS_UPLOAD_HOURS",
        "SHEETS_IMPORT_JOB_ROWS",
        "SHEETS_EXPORT_JOB_ROWS",
    }
)
for name in CALLER_VARIABLES_IGNORED:
    os.environ.pop(name, None)

# Throwaway keys: the settings refuse to start without them when DEBUG is off, as in production.
os.environ["SECRET_KEY"] = "tests-only-not-a-secret"
# A fixed salt so the encrypted protected-identity fields work in every test run, CI included.
os.environ["SALT_KEY"] = "tests-only-salt-not-a-secret"
# The key that seals the audit chains (apps/core/custody.py).
os.environ["AUDIT_KEY"] = "tests-only-audit-key-not-a-secret"
# The key that encrypts uploaded documents (apps/documents/storage.py).
os.environ["DOCUMENTS_KEY"] = "tests-only-documents-key-not-a-secret"
# A fixed bundle signing key (32 bytes of "t"), so that bundles are reproducible across runs.
os.environ["BUNDLE_SIGNING_KEY"] = "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ="

from casetracker.settings import *  # noqa: E402,F403
from casetracker.settings import DATABASES, STORAGES  # noqa: E402

# The cache every test uses: the database cache by default, as in production without Redis;
# TEST_CACHE=redis runs the same tests against Redis (TEST_REDIS_URL, default database 15 of the
# local server, which the tests empty).
if os.environ.get("TEST_CACHE") == "redis":
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.SharedClientRedisCache",
            "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        }
    }

# Tests run with the production security settings (DEBUG off) except the redirect to HTTPS,
# which would turn every test-client request into a 301.
SECURE_SSL_REDIRECT = False
# Tests create many users; the real hashers are deliberately slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collected manifest in a test run.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Nor a collected static folder: let WhiteNoise look files up when asked instead of scanning
# (and warning about) a STATIC_ROOT that a test run never fills.
WHITENOISE_AUTOREFRESH = True

# Jobs: the thread path by default (no REDIS_URL, as `make run`), retried without waiting.
JOBS_RETRY_BACKOFF = 0
# Job files in a folder of this run (TEST_JOBS_FILES_ROOT names it for a worker process a test
# starts, so that both see the same files); tests/conftest.py removes it at the end.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

JOBS_FILES_ROOT = Path(
    os.environ.get("TEST_JOBS_FILES_ROOT") or Path(tempfile.gettempdir()) / f"casetracker-test-jobs-{os.getpid()}"
)
MEDIA_ROOT = JOBS_FILES_ROOT.parent
SHEETS_UPLOAD_ROOT = JOBS_FILES_ROOT / "sheets"
# Documents in a folder of this run too, beside the job files.
DOCUMENTS_ROOT = JOBS_FILES_ROOT / "documents"
# The real worker tests (tests/jobs/test_celery_worker.py) use Redis database 14 of the local
# server, which they empty; JOBS_BACKEND stays "thread" unless a test switches it.
CELERY_BROKER_URL = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/14")
CELERY_RESULT_BACKEND = None
# The replica alias a deployment with DATABASE_REPLICA_URL has, as a test mirror of the test
# database (the same data, no second database to create). The router stays off: only the tests
# of the replica routing (tests/core/test_replica_router.py) turn it on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

# Webhooks: the tests' receiver is an HTTP server thread on 127.0.0.1 (tests/webhooks), the one
# private address they may reach; retries wait a moment, not minutes.
WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
WEBHOOK_TIMEOUT = 5
WEBHOOK_RETRY_SCHEDULE = (0.05, 0.1, 0.2)
