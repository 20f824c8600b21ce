"""Give the roles their permissions on webhook subscriptions and their delivery log.

In this app rather than in ``access`` (as ``deadlines.0002_roles`` does): the permissions
exist only once this app's tables do, and ``access``, a lower layer, stays free of a dependency
on an app above it. Frozen like ``access.0002_roles``: the table below is docs/permissions.md's
rows for this app (tests/access/test_permission_matrix.py checks the two agree).

Supervisors and integrations manage subscriptions (an integration makes its own, through the
API); caseworkers and auditors see them and the delivery log. The log is written by the
deliveries only: nobody adds, changes or deletes its rows by hand.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")
ROLES = {
    #                                caseworker supervisor legal partner integration auditor
    "webhooks.webhooksubscription": ("v",        "vacd",    "",           "vacd",     "v"),
    "webhooks.webhookdelivery":     ("v",        "v",       "",           "v",        "v"),
}
# What tests/access/test_permission_matrix.py reads of every later migration.
ROLES_ADDED = ROLES


def grant(apps, schema_editor):
    app_config = apps.get_app_config("webhooks")
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
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="webhooks"))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("access", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
