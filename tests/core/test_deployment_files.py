"""Docker does not run on the development machines: check the compose file statically."""

import re

import yaml
from django.conf import settings

SETTINGS_SOURCE = (settings.BASE_DIR / "casetracker" / "settings.py").read_text()
# Every variable the settings read goes through one of these helpers.
READ_VARIABLES = set(re.findall(r"""(?:environ\.get|env_flag|env_list|env_int)\(\s*["']([A-Z0-9_]+)["']""",
                                SETTINGS_SOURCE))


def compose():
    return yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())


def test_compose_names_the_database_and_the_app():
    services = compose()["services"]
    assert set(services) >= {"db", "web"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "gunicorn -c gunicorn.conf.py casetracker.wsgi:application" in services["web"]["command"]


def test_compose_shares_one_redis_cache_between_the_workers():
    services = compose()["services"]
    assert services["redis"]["image"].startswith("redis:")
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])


def test_gunicorn_settings_bound_and_recycle_the_workers():
    values = {}
    exec((settings.BASE_DIR / "gunicorn.conf.py").read_text(), {}, values)
    assert values["workers"] == 3 and values["timeout"] == 60
    assert values["max_requests"] == 1000 and values["max_requests_jitter"] == 100
    assert '"gunicorn", "-c", "gunicorn.conf.py"' in (settings.BASE_DIR / "Dockerfile").read_text()


def test_compose_sets_only_variables_the_settings_read():
    environment = compose()["services"]["web"]["environment"]
    assert set(environment) <= READ_VARIABLES, set(environment) - READ_VARIABLES
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= set(environment)
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DEBUG"] == "0"


def test_compose_requires_secrets_instead_of_defaulting_them():
    environment = compose()["services"]["web"]["environment"]
    for name in ("SECRET_KEY", "SALT_KEY", "AUDIT_KEY", "DOCUMENTS_KEY"):
        assert environment[name].startswith(f"${{{name}:?"), name


def test_static_files_are_served_by_whitenoise():
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "collectstatic" in dockerfile


def test_compose_runs_the_postgresql_version_ci_tests_and_the_image_has_its_client():
    # CI and the development machines run Debian 12's PostgreSQL 15 (pg_dump --version).
    assert compose()["services"]["db"]["image"] == "postgres:15"
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "postgresql-client-15" in dockerfile and "bookworm" in dockerfile


def test_compose_backs_up_nightly_into_a_volume_without_the_keys_in_it():
    backup = compose()["services"]["backup"]
    assert backup["command"] == ["sh", "scripts/backup-nightly.sh"]
    assert "backups:/backups" in backup["volumes"]
    assert backup["depends_on"]["db"]["condition"] == "service_healthy"
    script = (settings.BASE_DIR / "scripts" / "backup-nightly.sh").read_text()
    assert "manage.py backup --output" in script
    # The keys reach the process from the environment, never a file in the backups volume.
    assert "SECRET_KEY" not in script and "SALT_KEY" not in script
