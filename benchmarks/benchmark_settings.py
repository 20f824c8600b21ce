"""The settings the benchmark's server runs with: the test settings (production security with
DEBUG off, no collected static manifest, fixed throwaway keys), served on 127.0.0.1, with the
cache, throttles and sessions on Redis as a deployment runs them (docs/deployment.md).

The Redis database is ``BENCHMARK_REDIS_URL`` (default database 12 of the local server, which
the benchmarks empty before they measure); the test suites use 14 and 15.
"""

import os

from tests.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "testserver"]

BENCHMARK_REDIS_URL = os.environ.get("BENCHMARK_REDIS_URL", "redis://127.0.0.1:6379/12")
CACHES = {"default": {"BACKEND": "apps.core.cache.SharedClientRedisCache", "LOCATION": BENCHMARK_REDIS_URL}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
