"""seed_load on PostgreSQL outside a transaction: parallel COPY and the indexes built again."""

import pytest
from django.db import connection

from apps.cases.models import Case, Fact
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from apps.workspace import load
from apps.workspace.load import seed_load

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="COPY, the parallel connections and the dropped indexes are PostgreSQL's only",
    ),
]

TABLES = ["sources_article", "sources_citation", "cases_fact", "cases_case", "proceedings_proceeding"]


def _indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [TABLES]
        )
        return cursor.fetchall()


def _loaded_articles() -> list[tuple]:
    return list(
        Article.objects.filter(url__startswith="https://load.invalid/5/")
        .order_by("url")
        .values_list("url", "public_id", "title", "language", "body", "sha256", "outlet__name")
    )


def test_parallel_connections_load_the_same_articles_as_one():
    report = seed_load(cases=2, articles=30, seed=5, batch=4, workers=3)
    parallel = _loaded_articles()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sources_article WHERE search_vector IS NULL")
        (without_vector,) = cursor.fetchone()
    for model in (Citation, Fact, Proceeding, Case, Article, Individual, Organization):
        model.objects.all().delete()
    seed_load(cases=2, articles=30, seed=5, batch=4, workers=1)

    assert report.articles == len(parallel) == 30
    assert without_vector == 0
    assert parallel == _loaded_articles()


def test_the_indexes_are_built_again_exactly_as_they_were():
    before = _indexes()
    assert any(name == "article_search_vector_gin" for name, _definition in before)
    assert any(name == "sources_article_title_trgm" for name, _definition in before)

    seed_load(cases=3, articles=12, seed=6, batch=5, workers=2)

    assert _indexes() == before


def test_a_load_that_fails_leaves_every_index(monkeypatch):
    before = _indexes()

    def broken(*args, **kwargs):
        assert _indexes() != before  # dropped for the load
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(load, "_load_cases", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        seed_load(cases=3, articles=12, seed=8, batch=5, workers=2)

    assert _indexes() == before


def _vectors_not_the_functions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT url FROM sources_article
            WHERE search_vector IS DISTINCT FROM sources_article_search_vector(language, title, body)
            ORDER BY url
            """
        )
        return [url for (url,) in cursor.fetchall()]


def test_every_vector_the_loader_writes_is_the_functions():
    seed_load(cases=2, articles=300, seed=9, batch=70, workers=2)

    assert Article.objects.filter(url__startswith="https://load.invalid/9/").count() == 300
    assert _vectors_not_the_functions() == []


def test_vectors_built_from_japanese_and_mixed_sentences_are_the_functions(monkeypatch):
    # Text without spaces (Japanese), scripts side by side, stop words last, a lexeme twice,
    # an apostrophe and a backslash: the sentences' vectors still join into the body's.
    monkeypatch.setattr(
        load,
        "LANGUAGES",
        [
            (
                "ja",
                ["{name}さんは{place}で難民認定を申請した。", "裁判所は協定を締結した。"],
                ["東京", "大阪"],
                2,
            ),
            (
                "en",
                ["It's {name}'s appeal in {place}, and it is", "Kim 김은철 Ким \\ 協定 {place} to the"],
                ["Moscow", "Primorye"],
                0,
            ),
            ("ru", ["{name} обратился в суд в {place}, и"], ["Москве"], 1),
        ],
    )
    monkeypatch.setitem(load.FILE_NUMBER, "ja", "文書番号 No. {number}.")
    monkeypatch.setattr(load, "POOL_SIZE", 40)
    seed_load(cases=1, articles=120, seed=10, batch=50, workers=2)

    assert {article.language for article in Article.objects.all()} == {"ja", "en", "ru"}
    assert _vectors_not_the_functions() == []


def test_a_load_whose_vectors_were_wrong_fails_its_check(monkeypatch):
    def wrong(self, plan, file_number):
        return "'wrong':1"

    monkeypatch.setattr(load._PoolVectors, "vector", wrong)

    with pytest.raises(AssertionError, match="not the function's"):
        seed_load(cases=1, articles=20, seed=12, batch=10, workers=2)


def _sorted(piece):
    count, quoted, positions = piece
    return count, sorted(zip(positions, quoted, strict=True))


def test_file_number_vectors_from_the_templates_are_the_servers():
    ordinals = [0, 5, 42, 1000, 99_999, 123_456_789]
    with connection.cursor() as cursor:
        vectors = load._FileNumberVectors(cursor, 3, 200_000, ["en", "ru", "ko"])
        articles = [(ordinal, language) for language in ("en", "ru", "ko") for ordinal in ordinals]
        made = vectors.pieces(cursor, articles)
        asked = load.sentence_vectors(
            cursor, [(language, load._file_number(3, ordinal, language)) for ordinal, language in articles]
        )

    assert set(vectors.templates) == {"en", "ru", "ko"}
    assert [_sorted(piece) for piece in made] == [_sorted(piece) for piece in asked]


def test_a_file_number_no_template_can_make_is_asked_of_the_server(monkeypatch):
    # "1-5.1-5": the parser reads "-5.1" as one number, so the ordinal is in two lexemes and
    # one template cannot hold; English asks the server per batch, the others keep theirs.
    monkeypatch.setitem(load.FILE_NUMBER, "en", "Registered as {number}.{number} in the file.")
    with connection.cursor() as cursor:
        vectors = load._FileNumberVectors(cursor, 14, 100, ["en", "ru", "ko"])
    assert set(vectors.templates) == {"ru", "ko"}

    seed_load(cases=1, articles=60, seed=14, batch=25, workers=2)

    assert Article.objects.filter(url__startswith="https://load.invalid/14/", language="en").exists()
    assert _vectors_not_the_functions() == []


def test_the_triggers_lookup_of_a_subject_keeps_its_index_during_the_load():
    """The in_a_case triggers look each person up in the subjects' table by individual_id.

    An index that starts with that column answers it from a few pages; the unique index on
    (case_id, individual_id) can too, but by reading all of itself, once per person written.
    """
    leading = []

    def during_the_load(stage, done, total):
        if stage != "cases":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*) FROM pg_index i JOIN pg_attribute a
                  ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = 'cases_case_subjects'::regclass AND a.attname = 'individual_id'
                """
            )
            leading.append(cursor.fetchone()[0])

    seed_load(cases=4, articles=6, seed=7, batch=2, workers=1, progress=during_the_load)

    assert leading == [1, 1]
