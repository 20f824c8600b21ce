"""Ship the outlet registry with the news sites caseworkers in this field cite most, and give
the roles their permissions on it (docs/permissions.md).

Names are the outlets' own (as their mastheads write them); an installation edits, adds or
removes entries in the admin (Sources › Known outlets). Entries point at no organization: the
first import from a site records the outlet under this name, or an existing organization of
that name is used.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

#   domain, name, short name, country
OUTLETS = [
    ("meduza.io", "Meduza", "", "LV"),
    ("themoscowtimes.com", "The Moscow Times", "MT", "RU"),
    ("novayagazeta.ru", "Novaya Gazeta", "", "RU"),
    ("novayagazeta.eu", "Novaya Gazeta Europe", "", "LV"),
    ("kommersant.ru", "Kommersant", "", "RU"),
    ("vedomosti.ru", "Vedomosti", "", "RU"),
    ("rbc.ru", "RBC", "", "RU"),
    ("tass.ru", "TASS", "", "RU"),
    ("tass.com", "TASS", "", "RU"),
    ("ria.ru", "RIA Novosti", "", "RU"),
    ("interfax.ru", "Interfax", "", "RU"),
    ("rg.ru", "Rossiyskaya Gazeta", "", "RU"),
    ("fontanka.ru", "Fontanka", "", "RU"),
    ("zona.media", "Mediazona", "", "RU"),
    ("ovd.info", "OVD-Info", "", "RU"),
    ("memo.ru", "Memorial", "", "RU"),
    ("echo.msk.ru", "Ekho Moskvy", "", "RU"),
    ("svoboda.org", "Radio Svoboda", "", "CZ"),
    ("rferl.org", "Radio Free Europe/Radio Liberty", "RFE/RL", "CZ"),
    ("currenttime.tv", "Current Time", "", "CZ"),
    ("rfa.org", "Radio Free Asia", "RFA", "US"),
    ("voanews.com", "Voice of America", "VOA", "US"),
    ("upi.com", "United Press International", "UPI", "US"),
    ("reuters.com", "Reuters", "", "GB"),
    ("apnews.com", "Associated Press", "AP", "US"),
    ("afp.com", "Agence France-Presse", "AFP", "FR"),
    ("bbc.com", "BBC", "", "GB"),
    ("bbc.co.uk", "BBC", "", "GB"),
    ("theguardian.com", "The Guardian", "", "GB"),
    ("nytimes.com", "The New York Times", "NYT", "US"),
    ("washingtonpost.com", "The Washington Post", "", "US"),
    ("aljazeera.com", "Al Jazeera", "", "QA"),
    ("dw.com", "Deutsche Welle", "DW", "DE"),
    ("nknews.org", "NK News", "", "US"),
    ("dailynk.com", "Daily NK", "", "KR"),
    ("yna.co.kr", "Yonhap News Agency", "Yonhap", "KR"),
    ("koreajoongangdaily.joins.com", "Korea JoongAng Daily", "JoongAng Daily", "KR"),
    ("koreaherald.com", "The Korea Herald", "", "KR"),
    ("koreatimes.co.kr", "The Korea Times", "", "KR"),
    ("hani.co.kr", "The Hankyoreh", "", "KR"),
    ("chosun.com", "Chosun Ilbo", "", "KR"),
    ("kcna.kp", "Korean Central News Agency", "KCNA", "KP"),
    ("hrw.org", "Human Rights Watch", "HRW", "US"),
    ("amnesty.org", "Amnesty International", "", "GB"),
    ("unhcr.org", "UNHCR", "", ""),
    ("refworld.org", "Refworld", "", ""),
]

# The roles' permissions on the new model, in access/0002_roles's form (one cell a role, in
# its GROUPS order): caseworkers add the sites they meet, supervisors keep the registry, the
# others read it. tests/access/test_permission_matrix.py reads ROLES_ADDED of every migration.
ROLES_ADDED = {
    #                      caseworker supervisor legal partner integration auditor
    "sources.knownoutlet": ("vac",    "vacd",    "v",          "v",        "v"),
}
GROUPS = ("caseworker", "supervisor", "legal partner", "integration", "auditor")
ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def ship(apps, schema_editor):
    KnownOutlet = apps.get_model("sources", "KnownOutlet")
    for domain, name, short_name, country in OUTLETS:
        KnownOutlet.objects.get_or_create(domain=domain, defaults={"name": name, "short_name": short_name, "country": country})
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for column, group_name in enumerate(GROUPS):
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for resource, cells in ROLES_ADDED.items():
            app_label, model = resource.split(".")
            group.permissions.add(*[
                Permission.objects.get(content_type__app_label=app_label, codename=f"{ACTIONS[letter]}_{model}")
                for letter in cells[column]
            ])


def unship(apps, schema_editor):
    apps.get_model("sources", "KnownOutlet").objects.filter(domain__in=[row[0] for row in OUTLETS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_known_outlet"),
        ("access", "0002_roles"),
    ]

    operations = [migrations.RunPython(ship, unship)]
