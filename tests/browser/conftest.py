"""A real browser against a real server: Debian's headless Chromium driven by Playwright.

One browser per session, a fresh page (own cookies) per test at the caseworkers' usual
1366×900, Django's ``live_server`` on the test database, and a caseworker of Memorial who
signs in through the login form as a person does (django-axes sees a real request).

Never a downloaded browser: Playwright is told to use the system's ``chromium``
(system-packages.txt). Without one the tests are skipped, saying so; CI installs it.
When a test fails, the page as it was is saved as ``test-artifacts/<test>.png``.
"""

import re
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connections
from django.db.models import Q

from tests.access.test_permission_matrix import ACTIONS as MATRIX_ACTIONS
from tests.access.test_permission_matrix import roles_added_by_later_migrations
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SEED = ROOT / "fixtures" / "seed.json"
ROLES_MIGRATION = import_module("apps.access.migrations.0002_roles")
SHARES_MIGRATION = import_module("apps.cases.migrations.0003_caseshare_from_access")
VIEWPORT = {"width": 1366, "height": 900}
PASSWORD = "correct horse battery staple"
# Auto-waiting covers a slow page; this bounds a wait for something that never comes.
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # The page fixture looks at the call's report when it is torn down.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium on this machine (system-packages.txt installs it; never a downloaded one)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread for as long
    # as the browser lives. Django then takes the test's own ORM calls for a coroutine's: it
    # refuses them, and asgiref keeps the database connections of an "async" thread in other
    # storage than those of a sync one, so the tests would open connections of their own
    # beside the ones pytest-django set up and tears down. The calls are synchronous and
    # nothing else runs on that loop: the guard is lifted while the browser is open, and the
    # thread's connections are carried over.
    before = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        for alias, connection in before.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    context.close()


def roles_restore() -> None:
    """The roles' groups as the migrations make them, when a flush has emptied the table.

    A transactional test ends by emptying every table; post_migrate makes the content types
    and permissions again, but the groups came from a migration (access 0002, with the shares'
    permissions moved to cases by cases 0003), so they are made again from its own table.
    Not a serialized rollback: restoring its snapshot collides with the content types that an
    earlier transactional test's flush made again under new ids (PostgreSQL).
    """
    if Group.objects.filter(name__in=ROLES_MIGRATION.GROUPS).count() == len(ROLES_MIGRATION.GROUPS):
        return
    moved = {f"access.{model}": f"cases.{model}" for model in SHARES_MIGRATION.MOVED}
    for column, name in enumerate(ROLES_MIGRATION.GROUPS):
        group, _created = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        roles = dict(ROLES_MIGRATION.ROLES)
        # Later migrations give the roles their permissions on newer models (ROLES_ADDED), or a
        # new permission of an older one (an export, a merge): letters joined to the cell.
        for resource, cells in roles_added_by_later_migrations().items():
            before = roles.get(resource, ("",) * len(cells))
            roles[resource] = tuple(old + new for old, new in zip(before, cells, strict=True))
        for resource, cells in roles.items():
            app_label, model = moved.get(resource, resource).split(".")
            codenames = [f"{MATRIX_ACTIONS[letter]}_{model}" for letter in cells[column]]
            wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.set(Permission.objects.filter(wanted))


@pytest.fixture
def seeded(transactional_db):
    """The seed data (Kim, his case CT-2013-0001 at Memorial, the five articles), committed:
    the live server reads what is committed, hence a transactional database."""
    roles_restore()
    call_command("loaddata", str(SEED), verbosity=0)


@pytest.fixture
def caseworker(seeded):
    """A caseworker of Memorial, the organization that holds Kim's case."""
    from apps.access.two_factor import totp_device_enrol
    from apps.people.models import Organization

    user = UserFactory(username="olga")  # the factory's password is PASSWORD
    user.groups.set(Group.objects.filter(name="caseworker"))
    MembershipFactory(user=user, organization=Organization.objects.get(name="Memorial"))
    # A caseworker sees protected identities, so signs in with an authenticator too; an
    # administrator enrolled hers (manage.py enrol_totp).
    totp_device_enrol(user=user)
    return user


def authenticator_code(user) -> str:
    """The six digits the user's authenticator app shows now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def sign_in(page, live_server, user):
    """Through the admin's login form and its second step, as a person does."""
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(authenticator_code(user))
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def signed_in(page, live_server, caseworker):
    """The page, signed in as the caseworker, on the admin's start page."""
    from playwright.sync_api import expect

    sign_in(page, live_server, caseworker)
    expect(page).to_have_url(f"{live_server.url}/admin/")
    return page
