"""Reads of sources: articles and citations, scoped to what ``user`` may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from apps.core.scoping import scoped
from apps.sources.addresses import site_domain
from apps.sources.ingestion import mentions
from apps.sources.models import Article, Citation, DateReading, KnownOutlet

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


def date_readings_prefetch(lookup: str = "date_readings") -> Prefetch:
    """What a list of agreements or proceedings prefetches to show their date readings: the
    readings and their quotes, in two queries whatever the number of records."""
    return Prefetch(
        lookup,
        queryset=DateReading.objects.prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("article__outlet").order_by("start", "pk"))
        ),
    )


def date_reading_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[DateReading]:
    """Date readings ``user`` may see (an agreement's: all; a proceeding's: as the proceeding)."""
    return scoped(
        DateReading.objects.select_related("agreement", "proceeding").prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("article__outlet").order_by("start", "pk"))
        ),
        user,
    )


def date_readings_grouped(readings) -> dict[str, dict]:
    """One record's readings by date field: ``{"signed": {"disputed": bool, "readings": […]}}``.

    A date is disputed when its readings give different dates (a wider and a narrower one
    count too: the sources do not say the same, and the reader is shown both). Read from
    prefetched readings: no query.
    """
    grouped: dict[str, dict] = {}
    for reading in sorted(readings, key=lambda r: (r.field, r.value.sort_key(), r.pk)):
        grouped.setdefault(reading.field, {"disputed": False, "readings": []})["readings"].append(reading)
    for entry in grouped.values():
        entry["disputed"] = len({reading.value for reading in entry["readings"]}) > 1
    return grouped
