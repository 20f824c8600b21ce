"""Give supervisors the subject access export (people.export_individual; docs/permissions.md).

Everything held about one person, protected identity included where the user may see it, is
the most complete copy of a person's file the system can hand out: it is the answer to a
request from the person or their lawyer, which the organization's responsible person gives.
So only supervisors hold it (superusers have every permission). Frozen here like 0002_roles;
tests/access/test_permission_matrix.py adds ROLES_ADDED to 0002's table ("x" is export).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete", "x": "export"}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")
ADDED = {
    #                     caseworker supervisor legal partner integration auditor
    "people.individual": ("", "x", "", "", ""),
}
# What tests/access/test_permission_matrix.py reads of every later migration.
ROLES_ADDED = ADDED


def _permissions(apps, column: int):
    Permission = apps.get_model("auth", "Permission")
    for resource, cells in ADDED.items():
        app_label, model = resource.split(".")
        for letter in cells[column]:
            yield Permission.objects.get(
                content_type__app_label=app_label, codename=f"{ACTIONS[letter]}_{model}"
            )


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
        ("access", "0009_merge_20261201_1343"),
        ("people", "0008_alter_individual_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
