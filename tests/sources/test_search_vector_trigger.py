"""The stored search vector kept by a trigger (sources 0013): always the function's value."""

import pytest
from django.db import connection

from apps.sources.services import article_update
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the stored search vector is PostgreSQL's only"
    ),
]

TEXTS = {
    "en": ("Refusal upheld", "The court upheld the refusal of temporary asylum to Kim Eun-chol."),
    "ru": ("Отказ оставлен в силе", "Суд оставил в силе отказ во временном убежище Ким Ын Чхолю."),
    "ko": ("거부 결정", "법원은 김은철 씨의 임시 망명 신청 거부 결정을 유지했다."),
    "ja": ("難民認定", "裁判所は金恩哲さんの難民認定申請を退けた。"),
    "mixed": ("Kim 김은철 Ким", "Kim Eun-chol (김은철, Ким Ын Чхоль) 協定を締結 was held in Vladivostok."),
}


def _vector(article) -> tuple[str, str]:
    """(the stored vector, the function's value for the row now), both as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT search_vector::text, sources_article_search_vector(language, title, body)::text
            FROM sources_article WHERE id = %s
            """,
            [article.pk],
        )
        return cursor.fetchone()


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("language", list(TEXTS))
def test_a_new_article_stores_the_functions_vector(language):
    title, body = TEXTS[language]
    article = ArticleFactory(title=title, body=body, language="en" if language == "mixed" else language)

    stored, computed = _vector(article)

    assert stored == computed
    assert stored  # never empty: every text here has words


def test_the_vector_follows_a_body_changed_through_the_service():
    article = ArticleFactory(body="The court upheld the refusal.")
    before, _ = _vector(article)

    article_update(article=article, body="The embassy issued a travel document.")

    stored, computed = _vector(article)
    assert stored == computed != before
    assert "embassi" in stored and "refus" not in stored


def test_the_vector_follows_a_change_of_language():
    article = ArticleFactory(title="Отказ", body="Суд оставил в силе отказ.", language="en")
    english, _ = _vector(article)

    article_update(article=article, language="ru")

    stored, computed = _vector(article)
    assert stored == computed != english


def test_an_update_cannot_write_a_vector_of_its_own():
    article = ArticleFactory()
    before, _ = _vector(article)

    _execute("UPDATE sources_article SET search_vector = 'stale:1' WHERE id = %s", [article.pk])
    _execute(
        "UPDATE sources_article SET search_vector = 'stale:1', title = title || ' appeal' WHERE id = %s",
        [article.pk],
    )

    stored, computed = _vector(article)
    assert stored == computed
    assert "'stale'" not in stored and "'appeal':" in stored and before != stored


def test_an_insert_gives_its_own_vector_only_where_the_loader_says_so():
    article = ArticleFactory()
    # Copies of its row, inserted as they are, given vector and all.
    _execute(
        """
        CREATE TEMP TABLE copied AS SELECT * FROM sources_article WHERE id = %s;
        UPDATE copied SET id = nextval(pg_get_serial_sequence('sources_article', 'id')),
          public_id = gen_random_uuid(), sha256 = md5(random()::text) || md5(random()::text),
          url = url || '/copy', search_vector = 'given:1';
        """,
        [article.pk],
    )
    _execute("INSERT INTO sources_article SELECT * FROM copied", [])
    _execute("SELECT set_config('casetracker.search_vector_given', 'on', true)", [])
    _execute(
        "UPDATE copied SET id = nextval(pg_get_serial_sequence('sources_article', 'id')), url = url || '2', "
        "public_id = gen_random_uuid(), sha256 = md5(random()::text) || md5(random()::text)",
        [],
    )
    _execute("INSERT INTO sources_article SELECT * FROM copied", [])
    _execute("SELECT set_config('casetracker.search_vector_given', 'off', true)", [])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT url, search_vector = sources_article_search_vector(language, title, body), "
            "search_vector::text FROM sources_article WHERE url LIKE %s ORDER BY url",
            [f"{article.url}%"],
        )
        rows = cursor.fetchall()
    assert [(url[len(article.url) :], same) for url, same, _text in rows] == [
        ("", True),
        ("/copy", True),  # the setting off: the vector given is replaced by the function's
        ("/copy2", False),  # the loader's setting on: what the insert gave is kept
    ]
    assert rows[2][2] == "'given':1"
