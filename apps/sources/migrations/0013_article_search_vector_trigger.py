"""The stored search vector kept by a trigger instead of a generated column (PostgreSQL only).

Migration 0005 made ``sources_article.search_vector`` a generated column. PostgreSQL computes
a generated column on every insert and never lets a writer supply it, so a bulk load
(``manage.py seed_load``) paid ``to_tsvector`` of every body in full even when it could give
the exact value itself, built from the vectors of sentences it had already computed.

Now the column is an ordinary one (``DROP EXPRESSION`` keeps every stored value) and a
``BEFORE INSERT OR UPDATE`` trigger sets it to the same function,
``sources_article_search_vector(language, title, body)``:

- on insert, always, unless the session says it gives the vectors itself (the custom setting
  ``casetracker.search_vector_given`` = ``on``, set by the loader alone for its own COPY
  transactions) *and* the row has one;
- on update, recomputed when the language, title or body changed, and otherwise the old value
  kept whatever the statement wrote: no update can leave a vector that is not the function's.

To recompute every vector after a change of the function (0005's advice, ``SET language =
language``, no longer does: the text did not change), a migration runs the ``UPDATE`` with this
trigger disabled: ``ALTER TABLE sources_article DISABLE TRIGGER sources_article_search_vector_keep;
UPDATE sources_article SET search_vector = sources_article_search_vector(language, title, body);``
then enables it again.

The loader checks a sample of what it wrote against the function (``apps/workspace/load.py``,
``_check_sample``). ``pg_dump`` now dumps the column's values and creates the trigger after
the data, so a restore keeps them. SQLite has no such column: nothing happens there.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE sources_article ALTER COLUMN search_vector DROP EXPRESSION",
    # SET search_path FROM CURRENT like the functions of 0005: a restore runs with an empty one.
    """
    CREATE OR REPLACE FUNCTION sources_article_search_vector_keep() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.search_vector IS NULL
           OR coalesce(current_setting('casetracker.search_vector_given', true), '') <> 'on' THEN
          NEW.search_vector := sources_article_search_vector(NEW.language, NEW.title, NEW.body);
        END IF;
      ELSIF NEW.language IS DISTINCT FROM OLD.language OR NEW.title IS DISTINCT FROM OLD.title
            OR NEW.body IS DISTINCT FROM OLD.body THEN
        NEW.search_vector := sources_article_search_vector(NEW.language, NEW.title, NEW.body);
      ELSE
        NEW.search_vector := OLD.search_vector;
      END IF;
      RETURN NEW;
    END
    $fn$
    """,
    """
    CREATE TRIGGER sources_article_search_vector_keep BEFORE INSERT OR UPDATE ON sources_article
    FOR EACH ROW EXECUTE FUNCTION sources_article_search_vector_keep()
    """,
]
# Back to the generated column of 0005: dropped and added again, so every value is recomputed.
BACKWARD = [
    "DROP TRIGGER IF EXISTS sources_article_search_vector_keep ON sources_article",
    "DROP FUNCTION IF EXISTS sources_article_search_vector_keep()",
    "DROP INDEX IF EXISTS article_search_vector_gin",
    "ALTER TABLE sources_article DROP COLUMN IF EXISTS search_vector",
    """
    ALTER TABLE sources_article ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (sources_article_search_vector(language, title, body)) STORED
    """,
    "CREATE INDEX article_search_vector_gin ON sources_article USING gin (search_vector)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("sources", "0012_citation_document_historicalcitation_document_and_more")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
