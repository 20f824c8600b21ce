"""A stored search vector for every article, on PostgreSQL only (see apps/sources/search.py).

``sources_article.search_vector`` is a generated column: PostgreSQL computes it from the
language, title and body on every insert and update, so no code path can forget it, and a
search reads it instead of parsing every matching body again. A GIN index over it replaces the
expression index of migration 0002 (which only read English).

The Django model does not declare the column (SQLite has no ``tsvector``, and no list should
load it); SQLite keeps the substring search of ``apps.sources.selectors.article_search``, and
this migration does nothing there. One migration history serves both databases.

The mapping of languages to configurations is frozen here, as it was when this migration was
written; ``apps/sources/search.py`` holds the current one, and a test checks they agree. To
change it: a new migration replacing ``sources_search_config`` and recomputing the column
(``UPDATE sources_article SET language = language``).
"""

from django.db import migrations

CJK = "\\u1100-\\u11ff\\u3040-\\u30ff\\u3130-\\u318f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff"

# Both functions keep the search path they were created with (SET search_path FROM CURRENT):
# a restore by pg_dump runs with an empty search path, and the generated column calls them.
FORWARD = [
    "DROP INDEX IF EXISTS article_search_gin",
    """
    CREATE OR REPLACE FUNCTION sources_search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
      SELECT (CASE lower(split_part(coalesce(language, ''), '-', 1))
        WHEN 'en' THEN 'english' WHEN 'ru' THEN 'russian' WHEN 'de' THEN 'german'
        WHEN 'fr' THEN 'french' WHEN 'es' THEN 'spanish' WHEN 'it' THEN 'italian'
        WHEN 'pt' THEN 'portuguese' WHEN 'tr' THEN 'turkish' WHEN 'ar' THEN 'arabic'
        ELSE 'simple' END)::regconfig
    $fn$
    """,
    # Every character of a CJK run but its first and last is doubled, then the run is cut
    # into pairs: "ABCD" -> "ABBCCD" -> " AB  BC  CD ". Two regular expressions, no loop (a
    # PL/pgSQL loop over the characters cost ten times as much per Korean article).
    f"""
    CREATE OR REPLACE FUNCTION sources_cjk_pairs(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
      SELECT regexp_replace(
        regexp_replace(t, '(?<=[{CJK}])([{CJK}])(?=[{CJK}])', '\\1\\1', 'g'),
        '([{CJK}]{{2}})', ' \\1 ', 'g')
    $fn$
    """,
    """
    CREATE OR REPLACE FUNCTION sources_article_search_vector(language text, title text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
      SELECT setweight(to_tsvector(sources_search_config(language), sources_cjk_pairs(coalesce(title, ''))), 'A')
          || setweight(to_tsvector(sources_search_config(language), sources_cjk_pairs(coalesce(body, ''))), 'B')
    $fn$
    """,
    """
    ALTER TABLE sources_article ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (sources_article_search_vector(language, title, body)) STORED
    """,
    "CREATE INDEX article_search_vector_gin ON sources_article USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS article_search_vector_gin",
    "ALTER TABLE sources_article DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS sources_article_search_vector(text, text, text)",
    "DROP FUNCTION IF EXISTS sources_cjk_pairs(text)",
    "DROP FUNCTION IF EXISTS sources_search_config(text)",
    "CREATE INDEX IF NOT EXISTS article_search_gin ON sources_article USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')))",
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
    dependencies = [("sources", "0004_article_version_citation_version_and_more")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
