"""Quotes posted through the admin as a browser sends them: a textarea's line ends are CRLF.

These tests post what a browser form would (the Django test client does not run a browser);
what is stored is the article's own text, LF line ends and all.
"""

import pytest
from django.urls import reverse

from apps.proceedings.models import Proceeding
from apps.sources.models import Citation
from tests.admin.conftest import KIM_ARTICLE_BODY
from tests.admin.forms import inline_formset, page_data

pytestmark = pytest.mark.django_db

# Across a paragraph break: the body has "\n\n", the browser sends "\r\n\r\n".
TYPED = "a transit country for him.\r\n\r\nIn the spring of 2013 he crossed into Russia"
STORED = "a transit country for him.\n\nIn the spring of 2013 he crossed into Russia"


def test_a_multi_line_quote_added_on_the_citation_page_is_stored_as_the_article_text(
    admin_client, kim_case, kim_article
):
    fact = kim_case.facts.get()
    response = admin_client.post(
        reverse("admin:sources_citation_add"),
        {"article": kim_article.pk, "quote": TYPED, "fact": fact.pk, "note": ""},
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    citation = Citation.objects.get(quote=STORED)
    assert KIM_ARTICLE_BODY[citation.start : citation.end] == citation.quote
    assert citation.end == citation.start + len(citation.quote)


def test_a_multi_line_quote_under_a_fact_is_stored_as_the_article_text(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data.update({"citations-1-article": kim_article.pk, "citations-1-quote": TYPED})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    citation = fact.citations.get(quote=STORED)
    assert KIM_ARTICLE_BODY[citation.start : citation.end] == STORED


def test_a_multi_line_supporting_quote_on_the_case_page_is_stored_as_the_article_text(
    admin_client, kim_case, fms, kim_article
):
    url = reverse("admin:cases_case_change", args=[kim_case.pk])
    data = page_data(admin_client.get(url))
    row = int(data["proceedings-INITIAL_FORMS"])
    data.update(
        {
            f"proceedings-{row}-kind": Proceeding.Kind.APPEAL,
            f"proceedings-{row}-authority": fms.pk,
            f"proceedings-{row}-support_article": kim_article.pk,
            # Pasted from a word processor: a no-break space, a zero-width space, a soft hyphen.
            f"proceedings-{row}-support_quote": "known as Kim,\u00a0saying he is\u200b not in dan\u00adger\r\n",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    citation = Proceeding.objects.get(kind=Proceeding.Kind.APPEAL).citations.get()
    assert citation.quote == "known as Kim, saying he is not in danger"
    assert KIM_ARTICLE_BODY[citation.start : citation.end] == citation.quote


def test_a_citation_saved_again_as_the_browser_sends_it_is_unchanged(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    citation = Citation.objects.create(
        article=kim_article,
        fact=fact,
        quote=STORED,
        start=KIM_ARTICLE_BODY.find(STORED),
        end=KIM_ARTICLE_BODY.find(STORED) + len(STORED),
    )
    url = reverse("admin:sources_citation_change", args=[citation.pk])
    data = page_data(admin_client.get(url))
    data["quote"] = data["quote"].replace("\n", "\r\n")
    data["note"] = "Seen again"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    citation.refresh_from_db()
    assert (citation.quote, citation.note) == (STORED, "Seen again")
    assert citation.history.count() == 1 + 1  # the note changed, the quote did not


def test_a_quote_one_word_off_is_refused_with_the_passage_it_nearly_is(admin_client, kim_case, kim_article):
    fact = kim_case.facts.get()
    url = reverse("admin:cases_fact_change", args=[fact.pk])
    data = page_data(admin_client.get(url))
    data.update({"citations-1-article": kim_article.pk, "citations-1-quote": "refused permanent asylum"})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert inline_formset(response, "citations").errors[1]["quote"] == [
        "This text does not appear in the article. Copy the words exactly. "
        "Did you mean: “refused temporary asylum”?"
    ]
    assert "Did you mean: “refused temporary asylum”?" in response.content.decode()
    assert fact.citations.count() == 1
