"""An import keeps the bytes as received, hashed, apart from the cleaned body."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from apps.people.models import Organization
from apps.people.services import organization_create
from apps.sources.ingestion.importer import article_import
from apps.sources.models import ArticleOriginal
from apps.sources.services import article_original_keep

PAGE_1251 = (
    "<html><head><meta charset=\"windows-1251\"><title>Отказ в убежище</title></head><body>"
    "<article><h1>Отказ в убежище</h1><p>ФМС отказала гражданину КНДР во временном убежище, "
    "сообщило агентство РБК в среду.</p><p>Беглец, известный только как «Ким», впервые покинул "
    "Северную Корею в 1997 году.</p></article></body></html>"
).encode("cp1251")


@pytest.fixture
def outlet(db):
    return organization_create(name="RBC", kind=Organization.Kind.NEWS_OUTLET, country="RU")


def test_an_html_file_keeps_its_bytes_and_declared_encoding(outlet):
    result = article_import(content=PAGE_1251, filename="rbc.html", outlet=outlet)
    original = ArticleOriginal.objects.get(article=result.article)
    assert bytes(original.content) == PAGE_1251
    assert original.sha256 == hashlib.sha256(PAGE_1251).hexdigest() and original.size == len(PAGE_1251)
    assert (original.encoding, original.received_as, original.format) == ("cp1251", "file", "html")  # the <meta charset>, by Python's name
    # The working copy is unchanged: decoded, cleaned, with its own hash.
    assert "«Ким»" in result.article.body and result.article.sha256 != original.sha256


def test_html_given_as_text_keeps_that_text_as_utf8(outlet):
    page = PAGE_1251.decode("cp1251").replace('charset="windows-1251"', 'charset="utf-8"')
    result = article_import(content=page, format="html", outlet=outlet)
    original = result.article.original
    assert bytes(original.content) == page.encode("utf-8")
    assert (original.received_as, original.encoding) == ("text", "")


def test_the_original_cannot_change_or_be_replaced(outlet):
    article = article_import(content=PAGE_1251, filename="rbc.html", outlet=outlet).article
    original = article.original
    original.content = b"something else"
    with pytest.raises(ValidationError):
        original.save()
    with pytest.raises(ValidationError) as refused:
        article_original_keep(article=article, content=b"x", received_as="file", format="html")
    assert "already kept" in str(refused.value)
    assert bytes(ArticleOriginal.objects.get(pk=original.pk).content) == PAGE_1251
