"""Give the roles their permissions on documents (docs/permissions.md), as on proceedings.

A document is part of its case, like a proceeding, and each role may do with it what it may do
with a proceeding, except that an integration may upload documents as it imports articles.
Frozen here like 0002_roles; tests/access/test_permission_matrix.py adds
ADDED to 0002's table and compares both with the docs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")
ADDED = {
    #                        caseworker supervisor legal partner integration auditor
    "documents.document":  ("vac",     "vacd",    "v",  "vac",  "v"),
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
    app_config = apps.get_app_config("documents")
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
        ("documents", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
