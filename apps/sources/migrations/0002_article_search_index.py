"""A GIN index for full-text search over articles, on PostgreSQL only.

The expression is exactly what ``apps.sources.selectors.ARTICLE_SEARCH_VECTOR`` compiles to,
so that the planner can use the index. SQLite has no such index: its search is a portable
substring match (see ``article_search``), and this migration does nothing there.
"""

from django.db import migrations

INDEX_NAME = "article_search_gin"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON sources_article USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX_NAME}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
