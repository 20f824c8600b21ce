"""?search= on articles: full-text (ranked, stemmed) on PostgreSQL, substring match elsewhere."""

import pytest
from django.db import connection

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")


@pytest.fixture
def articles():
    return {
        "deal": ArticleFactory(title="Russia Signs Deal to Hand Over North Korean Refugees",
                               body="Russia and North Korea signed a readmission agreement. Refugees fear it."),
        "asylum": ArticleFactory(title="Russia Refuses Asylum to North Korean Refugee",
                                 body="The Federal Migration Service refused temporary asylum."),
        "other": ArticleFactory(title="Weather", body="Snow in Moscow."),
    }


def titles(client, text):
    return [a["title"] for a in client.get("/api/v1/articles/", {"search": text}).json()["results"]]


def test_search_finds_articles_by_words_of_title_or_body(admin_api, articles):
    assert titles(admin_api, "readmission") == [articles["deal"].title]
    assert set(titles(admin_api, "North Korean")) == {articles["deal"].title, articles["asylum"].title}
    assert titles(admin_api, "snow moscow") == ["Weather"]
    assert titles(admin_api, "nothing-like-this") == []


@on_postgresql
def test_postgresql_search_is_stemmed_and_ranked(admin_api, articles):
    # "refusing" stems to the "refus" of "refused" and "Refuses"; the asylum article says it twice.
    assert titles(admin_api, "refusing asylum") == [articles["asylum"].title]
    assert titles(admin_api, "refugee")[0] == articles["deal"].title  # Refugees twice in the deal report


@on_postgresql
def test_postgresql_search_can_use_the_gin_index(articles):
    from apps.sources.models import Article
    from apps.sources.selectors import article_search

    queryset = article_search(queryset=Article.objects.all(), text="asylum")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_gin" in plan


def test_search_results_page_with_cursors(admin_api, articles):
    for n in range(4):
        ArticleFactory(title=f"Asylum report {n}", body=f"Asylum refused again ({n}).")
    seen, url = [], "/api/v1/articles/?search=asylum&page_size=2"
    while url:
        page = admin_api.get(url).json()
        seen += [a["id"] for a in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5
