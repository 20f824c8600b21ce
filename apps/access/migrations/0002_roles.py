"""Create the roles as groups with their model permissions (docs/permissions.md).

The table is frozen here, as a migration must be: a later change to the roles is a new
migration, and tests/access/test_permission_matrix.py fails until docs and groups agree.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}

ROLES = {
    #                              caseworker supervisor legal partner integration auditor
    "people.organization":         ("va",  "vac",  "v", "v",   "v"),
    "people.individual":           ("vac", "vacd", "v", "v",   "v"),
    "people.protectedidentity":    ("vac", "vacd", "",  "",    ""),
    "people.alias":                ("vacd", "vacd", "v", "v",  "v"),
    "cases.case":                  ("vac", "vacd", "v", "v",   "v"),
    "cases.fact":                  ("vac", "vacd", "v", "v",   "v"),
    "proceedings.proceeding":      ("vac", "vacd", "v", "v",   "v"),
    "proceedings.proceedingevent": ("vac", "vacd", "v", "v",   "v"),
    "agreements.agreement":        ("vac", "vacd", "v", "v",   "v"),
    "agreements.provision":        ("vac", "vacd", "v", "v",   "v"),
    "sources.article":             ("vac", "vacd", "v", "vac", "v"),
    "sources.citation":            ("vac", "vacd", "v", "vac", "v"),
    "access.membership":           ("v",   "vacd", "",  "",    "v"),
    "access.caseshare":            ("v",   "vacd", "",  "",    "v"),
    "access.accesslog":            ("",    "v",    "",  "",    "v"),
}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); on a new
    # database they do not exist yet, so create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for column, group_name in enumerate(GROUPS):
        group, _created = Group.objects.get_or_create(name=group_name)
        permissions = []
        for resource, cells in ROLES.items():
            app_label, model = resource.split(".")
            for letter in cells[column]:
                permissions.append(
                    Permission.objects.get(
                        content_type__app_label=app_label,
                        codename=f"{ACTIONS[letter]}_{model}",
                    )
                )
        group.permissions.set(permissions)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("agreements", "0001_initial"),
        ("cases", "0001_initial"),
        ("people", "0002_protectedidentity_encrypted"),
        ("proceedings", "0001_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
