"""Reads of sources: articles and citations, scoped to what ``user`` may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet

from apps.core.scoping import scoped
from apps.sources.addresses import site_domain
from apps.sources.ingestion import mentions
from apps.sources.models import Article, Citation, KnownOutlet

# Must compile to the expression of the GIN index made by migration 0002 (same config, same
# concatenation), or PostgreSQL falls back to scanning every article.
SEARCH_CONFIG = "english"


def article_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Article]:
    """Articles ``user`` may see (every one, for an active user: they are published sources),
    with their outlets."""
    return scoped(Article.objects.select_related("outlet"), user)


def uses_full_text_search() -> bool:
    """Whether :func:`article_search` ranks by PostgreSQL full-text search (else substrings)."""
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
    """Citations ``user`` may see, with their article, outlet and what they support.

    A citation tells which case an article supports, so it is scoped like the fact or
    proceeding it supports (apps/sources/scoping.py).
    """
    return scoped(Citation.objects.select_related(
        "article__outlet", "fact__case", "proceeding", "provision"
    ), user)


def article_mentions(
    *, article: Article, user: AbstractBaseUser | AnonymousUser | None = None
) -> list[mentions.Mention]:
    """The known individuals, organizations and agreements ``article`` mentions, with passages.

    Returns a list of :class:`apps.sources.ingestion.mentions.Mention` (``.as_dict()`` gives the
    API shape). With ``user``, only records that user may see are suggested. Five queries.
    """
    return mentions.article_mentions(article=article, user=user)


def known_outlet_for(*, address: str) -> KnownOutlet | None:
    """The registry's entry for the site ``address`` belongs to, or None.

    A subdomain matches its site's entry (``en.yna.co.kr`` → ``yna.co.kr``) unless it has its
    own; mobile and AMP copies match the site (``m.meduza.io`` → ``meduza.io``).
    """
    domain = site_domain(address)
    if not domain:
        return None
    labels = domain.split(".")
    # Every suffix of at least two labels, longest (most specific) first.
    candidates = [".".join(labels[index:]) for index in range(len(labels) - 1)]
    entries = {entry.domain: entry for entry in KnownOutlet.objects.filter(domain__in=candidates).select_related("organization")}
    return next((entries[candidate] for candidate in candidates if candidate in entries), None)
