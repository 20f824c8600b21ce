"""?search= on articles: full-text (stored vector, ranked, stemmed per language) on PostgreSQL,
substring match elsewhere (SQLite)."""

import pytest
from django.db import connection

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored search vector and its GIN index exist on PostgreSQL only (SQLite matches substrings)",
)


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

    queryset = article_search(queryset=Article.objects.order_by(), text="asylum", ranked=False)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_vector_gin" in plan


def test_search_results_page_with_cursors(admin_api, articles):
    for n in range(4):
        ArticleFactory(title=f"Asylum report {n}", body=f"Asylum refused again ({n}).")
    seen, url = [], "/api/v1/articles/?search=asylum&page_size=2"
    while url:
        page = admin_api.get(url).json()
        seen += [a["id"] for a in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5


@on_postgresql
def test_russian_bodies_are_stemmed_as_russian(admin_api):
    article = ArticleFactory(language="ru", title="Реадмиссия",
                             body="Соглашение о реадмиссии позволяет депортацию беженцев.")
    ArticleFactory(language="ru", title="Другое", body="Снег в Москве.")
    # Other forms of the same words: only a Russian stemmer relates them.
    assert titles(admin_api, "соглашения реадмиссия") == [article.title]


@on_postgresql
@pytest.mark.parametrize(
    ("language", "body", "found", "not_found"),
    [
        ("ko", "김은철 씨는 러시아와 북한의 재입국 협정은 30일 이내 송환을 허용한다.", ["김은철", "협정", "재입국 협정"], ["철김", "협정을"]),
        ("ja", "ロシアと北朝鮮は協定を締結した。", ["協定", "北朝鮮", "協定を締結"], ["協約", "日本"]),
    ],
)
def test_korean_and_japanese_find_an_exact_word_or_phrase(admin_api, language, body, found, not_found):
    article = ArticleFactory(language=language, title="x", body=body)
    ArticleFactory(language=language, title="y", body="김은 씨와 日本の条約")
    for text in found:
        assert titles(admin_api, text) == [article.title], text
    for text in not_found:
        assert article.title not in titles(admin_api, text), text


@on_postgresql
def test_the_database_reads_each_language_with_the_configuration_search_py_names():
    from apps.sources.search import SEARCH_CONFIGS, search_config

    with connection.cursor() as cursor:
        for language in [*SEARCH_CONFIGS, "ko", "ja", "zh", "en-GB", "RU", ""]:
            cursor.execute("SELECT sources_search_config(%s)::text", [language])
            assert cursor.fetchone()[0] == search_config(language), language


@on_postgresql
def test_ranking_considers_only_the_newest_matches(admin_api, settings):
    settings.ARTICLE_SEARCH_RANK_LIMIT = 3
    for n in range(5):
        ArticleFactory(title=f"Asylum {n}", body="Asylum asylum asylum." if n == 0 else f"Asylum ({n}).")
    ranked = titles(admin_api, "asylum")
    # The oldest article would rank first, but only the three newest are ranked.
    assert sorted(ranked) == ["Asylum 2", "Asylum 3", "Asylum 4"]
    # An explicit order lists every match.
    every = [a["title"] for a in admin_api.get(
        "/api/v1/articles/", {"search": "asylum", "ordering": "-created_at"}).json()["results"]]
    assert every == ["Asylum 4", "Asylum 3", "Asylum 2", "Asylum 1", "Asylum 0"]
