"""Settings of the gunicorn that tests/multiprocess starts: the test settings, on 127.0.0.1,
with a token limit small enough to reach."""

from tests.settings import *  # noqa: F403
from tests.settings import REST_FRAMEWORK

ALLOWED_HOSTS = ["127.0.0.1"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "4/hour"}}
LOGIN_THROTTLE_LIMIT = AXES_FAILURE_LIMIT = 5  # noqa: F405 (as production's default)
# As behind the documented reverse proxy: the client is the address it appends.
TRUSTED_PROXY_COUNT = 1
