"""``manage.py ensure_local_admin``: a login for a fresh machine, its password never printed."""

import stat
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from tests.factories import SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def project(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    return tmp_path


def run(**options) -> str:
    out = StringIO()
    call_command("ensure_local_admin", stdout=out, **options)
    return out.getvalue()


def test_it_creates_a_superuser_and_keeps_its_password_in_a_private_file(project):
    output = run()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    secret_file = project / ".local-admin-password"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    password = secret_file.read_text().strip()
    assert len(password) >= 24
    # django-axes checks every sign-in against the lock-out, which needs the request.
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1")
    assert authenticate(request, username="admin", password=password) == admin
    assert password not in output
    assert "admin" in output and ".local-admin-password" in output and "/admin/" in output


def test_it_changes_nothing_when_a_superuser_exists(project):
    SuperuserFactory(username="maria")

    output = run()

    assert not User.objects.filter(username="admin").exists()
    assert not (project / ".local-admin-password").exists()
    assert "maria" in output
    assert "changepassword maria" in output


def test_running_it_twice_keeps_the_first_password(project):
    run()
    first = (project / ".local-admin-password").read_text()

    output = run()

    assert User.objects.filter(is_superuser=True).count() == 1
    assert (project / ".local-admin-password").read_text() == first
    assert first.strip() not in output
    assert "changepassword admin" in output


def test_it_tightens_an_existing_password_file(project):
    stale = project / ".local-admin-password"
    stale.write_text("old")
    stale.chmod(0o644)

    run()

    assert stat.S_IMODE(stale.stat().st_mode) == 0o600
    assert stale.read_text().strip() != "old"


def test_it_refuses_to_promote_an_ordinary_user_called_admin(project):
    UserFactory(username="admin", is_staff=False)

    with pytest.raises(CommandError, match="not an active superuser"):
        run()

    assert not User.objects.filter(is_superuser=True).exists()
    assert not (project / ".local-admin-password").exists()
