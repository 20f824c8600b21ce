"""Property-based tests: whatever arrives, the importer answers or refuses, and never half-saves."""

import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.people.models import Organization
from apps.sources.ingestion.importer import article_extract, article_import
from apps.sources.ingestion.plain_text import clean_plain_text
from apps.sources.models import Article

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that looks like what arrives: words in several scripts, boilerplate, markup, line breaks.
fragments = st.sampled_from(
    [
        "Support The Moscow Times!", "Read more", "Home > News", "By Jane Roe", "Jan. 29, 2016",
        "<p>", "</p>", "<script>alert(1)</script>", "<a onclick='x()'>", "**", "# ", "[x](#)",
        "\n", "\n\n", "\r\n", " ", "Kim", "FMS", "Ким", "김", "北朝鮮", "\u00a0", "—", "“", ".",
    ]
)
article_like = st.lists(st.one_of(fragments, st.text(max_size=40)), max_size=40).map("".join)


def _assert_nothing_saved(before):
    assert (Article.objects.count(), Organization.objects.count()) == before


@FUZZ
@given(content=st.one_of(st.text(max_size=2000), article_like))
def test_any_text_is_imported_or_refused_cleanly(content):
    before = (Article.objects.count(), Organization.objects.count())
    try:
        result = article_import(content=content, outlet="Fuzz outlet")
    except ValidationError:
        _assert_nothing_saved(before)
        return
    article = Article.objects.get(pk=result.article.pk)
    assert article.body.strip()
    if result.created:
        assert article.raw_text == content
        assert Article.objects.count() == before[0] + 1


@FUZZ
@given(content=st.binary(max_size=2000), html=st.booleans())
def test_any_bytes_are_imported_or_refused_cleanly(content, html):
    before = (Article.objects.count(), Organization.objects.count())
    try:
        result = article_import(content=content, filename="f.html" if html else "f.txt", outlet="Fuzz outlet")
    except ValidationError:
        _assert_nothing_saved(before)
        return
    article = Article.objects.get(pk=result.article.pk)
    assert article.body.strip() and "<script" not in article.body.lower()
    if result.created:
        assert article.raw_text == result.draft.raw_text and article.raw_text.strip()
        assert Article.objects.count() == before[0] + 1


@FUZZ
@given(content=article_like)
def test_extraction_is_stable_and_writes_nothing(content):
    try:
        first = article_extract(content=content, format="html")
    except ValidationError:
        return
    assert "<script" not in first.body.lower()
    assert article_extract(content=content, format="html").body == first.body
    assert not Article.objects.exists()


@FUZZ
@given(text=st.text(max_size=3000))
def test_cleaning_never_invents_text(text):
    # Markdown markers are removed and may join what they separated; NFC may compose.
    markers = re.compile(r"[*_#\[\]()`\\<>!]")
    source = markers.sub("", unicodedata.normalize("NFC", text))
    for word in clean_plain_text(text).body.split():
        assert markers.sub("", word) in source
