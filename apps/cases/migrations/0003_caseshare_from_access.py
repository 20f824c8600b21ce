"""Take over CaseShare from the access app, on the tables it already has.

State only for the schema (access 0005 dropped it from its state); the content types move
with it, so the roles' permissions on shares (and any granted by hand) keep applying.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ["caseshare", "historicalcaseshare"]


def move_content_types(apps, schema_editor, source="access", target="cases"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="cases", target="access")


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0005_caseshare_moves_to_cases"),
        ("cases", "0002_historicalcase_historicalcase_caseworkers_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseShare",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reason", models.CharField(help_text="Why this person needs the case, e.g. “appeal counsel”.", max_length=255)),
                        ("expires_on", models.DateField(blank=True, help_text="Last day the share is valid; empty for no end date.", null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shares", to="cases.case")),
                        ("granted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="case_shares", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "access_caseshare",
                        "ordering": ["case", "user"],
                        "constraints": [models.UniqueConstraint(fields=("case", "user"), name="caseshare_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalCaseShare",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("reason", models.CharField(help_text="Why this person needs the case, e.g. “appeal counsel”.", max_length=255)),
                        ("expires_on", models.DateField(blank=True, help_text="Last day the share is valid; empty for no end date.", null=True)),
                        ("created_at", models.DateTimeField(blank=True, editable=False)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                        ("case", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="cases.case")),
                        ("granted_by", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "historical case share",
                        "verbose_name_plural": "historical case shares",
                        "db_table": "access_historicalcaseshare",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
