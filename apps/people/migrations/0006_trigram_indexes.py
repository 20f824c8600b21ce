"""Trigram indexes for the admin's searches on short fields, on PostgreSQL only.

The admin searches with ``icontains``, which Django writes ``UPPER(column::text) LIKE
UPPER('%…%')`` on PostgreSQL: a GIN index over exactly that expression (pg_trgm) lets such a
search skip the rows that cannot contain the text instead of reading every one. Long texts
(article bodies) are searched by full text instead (sources 0005). SQLite has neither; this
migration does nothing there. pg_trgm is a trusted extension (PostgreSQL 13+): the database's
owner may create it.
"""

from django.db import migrations

COLUMNS = [
    ("people_individual", "pseudonym"),
    ("people_alias", "name"),
    ("people_organization", "name"),
    ("people_organization", "short_name"),
]


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Kept on the way back: other apps' trigram indexes need it too.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_name(table, column)} ON {table} '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_merge_20261201_1023")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
