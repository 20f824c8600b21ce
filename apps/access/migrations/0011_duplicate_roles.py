"""Give the roles their permissions on duplicate candidates and merging (docs/permissions.md).

Reviewing candidates (view) and dismissing one (change) is a caseworker's daily work; merging
two records of one person moves their cases, so it is a supervisor's (``m``: the custom
``people.merge_individual``). Frozen here like 0002_roles; tests/access/test_permission_matrix.py
adds ROLES_ADDED to 0002's table (letters of a resource given in two migrations are joined).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete", "m": "merge"}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")
ADDED = {
    #                              caseworker supervisor legal partner integration auditor
    "people.duplicatecandidate": ("vc",      "vc",      "",   "",   "v"),
    "people.individual":         ("",        "m",       "",   "",   ""),
}
# What tests/access/test_permission_matrix.py reads of every later migration.
ROLES_ADDED = ADDED


def _permissions(apps, column: int):
    Permission = apps.get_model("auth", "Permission")
    for resource, cells in ADDED.items():
        app_label, model = resource.split(".")
        for letter in cells[column]:
            yield Permission.objects.get(content_type__app_label=app_label, codename=f"{ACTIONS[letter]}_{model}")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("people")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for column, name in enumerate(GROUPS):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, column))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for column, name in enumerate(GROUPS):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, column))


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0010_alter_accesslog_action"),
        ("people", "0008_duplicatecandidate_namekey_alter_individual_options_and_more"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
