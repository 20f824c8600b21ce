"""The database cache's table, where login lock-outs and API throttle counts are kept.

A data-less migration, hand-named, so that `migrate` (run by `make run`, the tests and the
deployment) is all it takes: `createcachetable` is idempotent and does nothing for Redis.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("access", "0005_caseshare_moves_to_cases")]

    # Reversing leaves the table: it holds nothing that outlives a restart of the cache.
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
