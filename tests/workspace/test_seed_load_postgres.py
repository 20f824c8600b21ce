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
