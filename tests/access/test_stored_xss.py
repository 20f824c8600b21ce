"""Markup typed into a record is shown as text in the admin, never run."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, FactFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"


def assert_inert(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert PAYLOAD not in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert ESCAPED in page


@pytest.fixture
def poisoned(case_a):
    article = ArticleFactory(title=f"Report {PAYLOAD}", body=f"{PAYLOAD} The FMS refused asylum to Kim.")
    fact = FactFactory(
        case=case_a, statement=f"Kim said {PAYLOAD}", citation__article=article, citation__quote=article.body[:40]
    )
    return article, fact


def test_an_article_body_with_markup_is_inert_on_its_admin_page(admin_client, poisoned):
    article, _fact = poisoned
    assert_inert(admin_client.get(reverse("admin:sources_article_change", args=[article.pk])))
    assert_inert(admin_client.get(reverse("admin:sources_article_changelist")))


def test_a_fact_statement_with_markup_is_inert_in_lists_and_on_the_case_page(admin_client, poisoned, case_a):
    _article, fact = poisoned
    assert_inert(admin_client.get(reverse("admin:cases_fact_changelist")))
    assert_inert(admin_client.get(reverse("admin:cases_fact_change", args=[fact.pk])))
    assert_inert(admin_client.get(reverse("admin:cases_case_change", args=[case_a.pk])))
