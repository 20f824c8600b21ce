"""CaseShare belongs to the cases app now: drop it from this app's state, keep its tables.

The cases app's 0003 takes the model over with the same tables (``access_caseshare`` and
``access_historicalcaseshare``), so no row moves and nothing is lost.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_historicalcaseshare_historicalmembership"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalCaseShare"),
                migrations.DeleteModel(name="CaseShare"),
            ],
            database_operations=[],
        ),
    ]
