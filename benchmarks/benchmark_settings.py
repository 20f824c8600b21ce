"""The settings the benchmark's server runs with: the test settings (production security with
DEBUG off, no collected static manifest, fixed throwaway keys), served on 127.0.0.1."""

from tests.settings import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
