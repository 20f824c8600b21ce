"""Production settings pass Django's deployment checks, and refuse to start without their keys."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides) -> dict[str, str]:
    """A clean environment, as a production server would have: nothing from the test run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "casetracker.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SALT_KEY": secrets.token_urlsafe(32),
        "AUDIT_KEY": secrets.token_urlsafe(32),
        # 32 random bytes, base64: what `manage.py bundle_signing_key` prints.
        "BUNDLE_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        # The key that encrypts uploaded documents (apps/documents/storage.py).
        "DOCUMENTS_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "casetracker.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://casetracker.example.org",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_hsts_is_turned_off():
    # The test above can fail: a weakened setting is caught.
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(SECURE_HSTS_SECONDS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "SALT_KEY"])
def test_production_refuses_to_start_without_its_keys(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 60 * 60


def test_https_cookies_and_hsts_are_on_when_debug_is_off():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert settings.SECURE_REFERRER_POLICY == "same-origin"
