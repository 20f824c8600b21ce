"""The project settings, with what a test run needs and nothing else changed."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# A fixed salt so the encrypted protected-identity fields work in every test run, CI included.
os.environ.setdefault("SALT_KEY", "tests-only-salt-not-a-secret")

from casetracker.settings import *  # noqa: E402,F403
from casetracker.settings import STORAGES  # noqa: E402

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
