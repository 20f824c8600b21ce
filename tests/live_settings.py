"""The test settings for a server process a test starts (gunicorn on 127.0.0.1)."""

from tests.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1"]
