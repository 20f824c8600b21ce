# The cases an organization holds, read with their ids from one index (apps/cases/models.py).
# The new index is built before the foreign key's own is dropped, so that the lookup by
# organization always has one.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0012_individual_in_a_case_triggers"),
        ("people", "0012_individual_in_a_case"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["organization", "id"], name="case_organization"),
        ),
        migrations.AlterField(
            model_name="case",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                help_text="The organization that holds this case.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_cases",
                to="people.organization",
                verbose_name="organization",
            ),
        ),
    ]
