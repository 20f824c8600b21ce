"""The suite tests the same settings whatever the shell that starts it exported."""

import ast
import json
import os
import subprocess
import sys

from django.conf import settings

from tests.settings import CALLER_VARIABLES_IGNORED

# What a developer's shell may well hold: DEBUG=1 from `make run`, keys from trying production,
# a wrong settings module, and limits tuned for a server.
CALLER_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "casetracker.settings",
    "DEBUG": "1",
    "SECRET_KEY": "the-callers-own-key",
    "SALT_KEY": "the-callers-own-salt",
    "BUNDLE_SIGNING_KEY": "Y2FsbGVyY2FsbGVyY2FsbGVyY2FsbGVyY2FsbGVyY2E=",
    "ALLOWED_HOSTS": "cases.example.org",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_AGE": "999999",
    "LOGIN_THROTTLE_LIMIT": "1000",
    "ARTICLE_IMPORT_MAX_BYTES": "10",
    "API_THROTTLE_RATE": "1/hour",
    "TIME_ZONE": "Asia/Seoul",
    "SECURE_REFERRER_POLICY": "no-referrer",
}

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: repr(getattr(s, name, None)) for name in %r}))"
)
COMPARED = [
    "DEBUG",
    "SECRET_KEY",
    "SALT_KEY",
    "BUNDLE_SIGNING_KEY",
    "ALLOWED_HOSTS",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_AGE",
    "SESSION_COOKIE_SECURE",
    "LOGIN_THROTTLE_LIMIT",
    "ARTICLE_IMPORT_MAX_BYTES",
    "REST_FRAMEWORK",
    "TIME_ZONE",
    "SECURE_REFERRER_POLICY",
    "STORAGES",
]


def environment(**variables) -> dict[str, str]:
    """This test run's environment (already cleaned by tests/settings.py) plus ``variables``."""
    return {**os.environ, **variables}


def settings_under(env: dict[str, str]) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS % COMPARED],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_test_settings_ignore_the_callers_settings_variables():
    assert settings_under(environment(**CALLER_ENVIRONMENT)) == settings_under(environment())


def test_pytest_runs_the_test_settings_whatever_the_shell_exported():
    # A pytest of its own, because choosing the settings module happens before any test code runs.
    test = f"{__file__}::test_this_run_has_the_test_settings"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=settings.BASE_DIR,
        env=environment(**CALLER_ENVIRONMENT, PYTEST_ADDOPTS=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_this_run_has_the_test_settings():
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "tests.settings"
    assert settings.DEBUG is False
    assert settings.SECRET_KEY == "tests-only-not-a-secret"
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert settings.ARTICLE_IMPORT_MAX_BYTES == 5 * 1024 * 1024
    assert settings.TIME_ZONE == "UTC"


def variables_the_settings_read() -> set[str]:
    """Names in os.environ.get("X"), os.environ["X"], os.getenv("X") and env_*("X") calls."""
    tree = ast.parse((settings.BASE_DIR / "casetracker" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = ast.unparse(node.func)
            if called in {"os.environ.get", "os.getenv"} or called.startswith("env_"):
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


def test_every_variable_the_settings_read_is_ignored_but_database_url():
    read = variables_the_settings_read()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL"} <= read  # the parser finds them
    # A new variable in casetracker/settings.py belongs in tests/settings.py too.
    assert read - {"DATABASE_URL"} == set(CALLER_VARIABLES_IGNORED)
