"""Give the roles their permissions on deadlines, rules, closures, feeds, notes and tasks.

Frozen like ``access.0002_roles``: the table below is docs/permissions.md's rows for this app
(tests/access/test_permission_matrix.py checks the two agree).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}

ROLES = {
    #                              caseworker supervisor legal partner integration auditor
    "deadlines.deadlinerule":      ("vac", "vacd", "v",   "v", "v"),
    "deadlines.deadline":          ("vac", "vacd", "v",   "v", "v"),
    "deadlines.closure":           ("v",   "vacd", "",    "",  "v"),
    "deadlines.calendarfeed":      ("vac", "vacd", "vac", "",  "v"),
    "deadlines.casenote":          ("vac", "vacd", "",    "",  "v"),
    "deadlines.casetask":          ("vac", "vacd", "v",   "",  "v"),
}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")
# What tests/access/test_permission_matrix.py reads of every later migration (as sources/0006 gives).
ROLES_ADDED = ROLES


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for column, name in enumerate(GROUPS):
        group, _created = Group.objects.get_or_create(name=name)
        for resource, cells in ROLES.items():
            app_label, model = resource.split(".")
            codenames = [f"{ACTIONS[letter]}_{model}" for letter in cells[column]]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="deadlines"))


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("access", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
