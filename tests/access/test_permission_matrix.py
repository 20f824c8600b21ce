"""The role × resource table of docs/permissions.md, checked against the groups and the admin."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse

from tests.access.conftest import member
from tests.factories import OrganizationFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
# "x": a resource's export permission (people.export_individual, the subject access export);
# "m": merge (people.merge_individual, two records of one person).
ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete", "x": "export", "m": "merge"}


def read_matrix() -> tuple[list[str], dict[str, dict[str, set[str]]]]:
    """(roles, {resource: {role: {actions}}}) from the table between the matrix markers."""
    text = DOC.read_text()
    table = re.search(r"<!-- permission-matrix:start -->\n(.*?)<!-- permission-matrix:end -->", text, re.S)
    assert table, "docs/permissions.md lost its permission-matrix markers"
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table.group(1).strip().splitlines()
    ]
    roles = rows[0][1:]
    matrix = {}
    for row in rows[2:]:
        resource, cells = row[0], row[1:]
        assert len(cells) == len(roles), f"row {resource} has {len(cells)} cells"
        matrix[resource] = {
            role: {ACTIONS[letter] for letter in cell if letter in ACTIONS} for role, cell in zip(roles, cells, strict=True)
        }
    return roles, matrix


ROLES, MATRIX = read_matrix()
CELLS = [
    (role, resource, action)
    for resource, by_role in MATRIX.items()
    for role in ROLES
    for action in ACTIONS.values()
]


def test_the_table_names_the_five_roles():
    assert ROLES == ["caseworker", "supervisor", "legal partner", "integration", "auditor"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_group_holds_exactly_the_documented_permissions(role):
    expected = {
        f"{resource.split('.')[0]}.{action}_{resource.split('.')[1]}"
        for resource, by_role in MATRIX.items()
        for action in by_role[role]
    }
    held = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(group__name=role).values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "resource", "action"), CELLS)
def test_the_role_may_do_exactly_what_the_table_says(role, resource, action):
    user = member(OrganizationFactory(), role)
    app_label, model = resource.split(".")
    assert user.has_perm(f"{app_label}.{action}_{model}") is (action in MATRIX[resource][role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", [r for r in MATRIX if r.split(".")[0] != "access"])
def test_the_admin_add_page_answers_as_the_table_says(client, role, resource):
    user = member(OrganizationFactory(), role)
    client.force_login(user)
    app_label, model = resource.split(".")
    try:
        url = reverse(f"admin:{app_label}_{model}_add")
    except NoReverseMatch:
        pytest.skip(f"{resource} is edited inline only")
    response = client.get(url)
    expected = 200 if "add" in MATRIX[resource][role] else 403
    assert response.status_code == expected


def test_the_roles_migration_matches_the_table():
    from importlib import import_module

    migration = import_module("apps.access.migrations.0002_roles")
    # Models that later migrations moved to another app keep their permissions there.
    moved = {
        f"access.{model}": f"cases.{model}"
        for model in import_module("apps.cases.migrations.0003_caseshare_from_access").MOVED
    }
    frozen = {
        moved.get(resource, resource): {
            role: {ACTIONS[letter] for letter in cells[i]} for i, role in enumerate(migration.GROUPS)
        }
        for resource, cells in migration.ROLES.items()
    }
    # Models added later bring their permissions in their own migration, as ROLES_ADDED.
    # A later migration may also add a new permission of an existing resource (an export, a
    # merge), never one a role already holds.
    for resource, cells in roles_added_by_later_migrations().items():
        added = {role: {ACTIONS[letter] for letter in cells[i]} for i, role in enumerate(migration.GROUPS)}
        if resource in frozen:
            for role, actions in added.items():
                assert not frozen[resource][role] & actions, f"{resource} gives {role} {actions} twice"
                frozen[resource][role] |= actions
        else:
            frozen[resource] = added
    assert list(migration.GROUPS) == ROLES
    assert frozen == MATRIX


def roles_added_by_later_migrations() -> dict[str, tuple[str, ...]]:
    """Every migration's ROLES_ADDED (resource → one cell a role, in the roles' order)."""
    from importlib import import_module

    from django.apps import apps as installed
    from django.db.migrations.loader import MigrationLoader

    added = {}
    for app_label, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        config = installed.get_app_config(app_label)
        if not config.name.startswith("apps."):
            continue
        module = import_module(f"{config.name}.migrations.{name}")
        # Two migrations may each add a permission to one resource (an export, a merge): the
        # letters of a role's cell are joined, so neither hides the other.
        for resource, cells in getattr(module, "ROLES_ADDED", {}).items():
            before = added.get(resource, ("",) * len(cells))
            added[resource] = tuple(old + new for old, new in zip(before, cells, strict=True))
    return added


@pytest.mark.django_db
def test_the_roles_migration_reverses_and_replays():
    from importlib import import_module
    from types import SimpleNamespace

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = import_module("apps.access.migrations.0002_roles")
    state_apps = MigrationExecutor(connection).loader.project_state(("access", "0002_roles")).apps
    # The functions only need the connection's alias; a real schema editor cannot be opened
    # inside the test's transaction on SQLite.
    schema_editor = SimpleNamespace(connection=connection)

    migration.delete_roles(state_apps, schema_editor)
    assert not Group.objects.filter(name__in=ROLES).exists()
    migration.create_roles(state_apps, schema_editor)
    assert Group.objects.get(name="auditor").permissions.filter(codename="view_accesslog").exists()
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
