"""Reads of sources: articles and citations, scoped to what ``user`` may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet

from apps.sources.ingestion import mentions
from apps.sources.models import Article, Citation

# Must compile to the expression of the GIN index made by migration 0002 (same config, same
# concatenation), or PostgreSQL falls back to scanning every article.
SEARCH_CONFIG = "english"


def article_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Article]:
    return Article.objects.select_related("outlet")


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def article_search(*, queryset: QuerySet[Article], text: str) -> QuerySet[Article]:
    """Articles matching ``text``.

    On PostgreSQL: full-text search (stemmed, web-search syntax: quotes for phrases, ``or``,
    ``-word``), annotated with ``search_rank`` for ordering by relevance. Elsewhere: every
    word must occur in the title or body (case-insensitive substring match).
    """
    text = text.strip()
    if not text:
        return queryset
    if uses_full_text_search():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", "body", config=SEARCH_CONFIG)
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, query)).filter(
            search_vector=query
        )
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return queryset


def citation_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Citation]:
    return Citation.objects.select_related(
        "article__outlet", "fact__case", "proceeding", "provision"
    )


def article_mentions(
    *, article: Article, user: AbstractBaseUser | AnonymousUser | None = None
) -> list[mentions.Mention]:
    """The known individuals, organizations and agreements ``article`` mentions, with passages.

    Returns a list of :class:`apps.sources.ingestion.mentions.Mention` (``.as_dict()`` gives the
    API shape). With ``user``, only records that user may see are suggested. Five queries.
    """
    return mentions.article_mentions(article=article, user=user)
