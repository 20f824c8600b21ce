"""Reads of sources: articles and citations, scoped to what ``user`` may see."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.db import connection
from django.db.models import Expression, Prefetch, Q, QuerySet

from apps.core.scoping import scoped
from apps.sources import search
from apps.sources.addresses import site_domain
from apps.sources.ingestion import mentions
from apps.sources.models import Article, Citation, DateReading, KnownOutlet


def article_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Article]:
    """Articles ``user`` may see (every one, for an active user: they are published sources),
    with their outlets."""
    return scoped(Article.objects.select_related("outlet"), user)


def uses_full_text_search() -> bool:
    """Whether :func:`article_search` uses PostgreSQL's stored full-text search (else substrings)."""
    return connection.vendor == "postgresql"


class _SearchVector(Expression):
    """The stored ``search_vector`` column of the article table (PostgreSQL, migration 0005).

    The model does not declare the column, so this names it under whatever alias the table has
    in the query (a subquery renames it).
    """

    def __init__(self, alias: str | None = None) -> None:
        super().__init__(output_field=SearchVectorField())
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name('search_vector')}", []


class _Query(SearchQuery):
    """A tsquery already normalised (the text of one), sent as it is: ``'…'::tsquery``."""

    def __init__(self, tsquery: str) -> None:
        super().__init__(tsquery, search_type="raw")
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra):
        return "%s::tsquery", [self.tsquery]


def _search_query(text: str) -> _Query | None:
    """``text`` in web-search syntax, read by every configuration in use (apps/sources/search.py).

    One small query asks PostgreSQL for each configuration's reading and keeps the distinct
    ones, joined by OR: repeating the same word ten times would make the planner think a rare
    word common (and walk the whole table by date instead of using the GIN index). None when
    no configuration finds a word in ``text`` (only stop words or punctuation).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT websearch_to_tsquery(config::regconfig, %s)::text FROM unnest(%s::text[]) AS config",
            [search.cjk_pairs(text), search.query_configs()],
        )
        readings = sorted(reading for (reading,) in cursor.fetchall() if reading)
    if not readings:
        return None
    return _Query(" | ".join(f"({reading})" for reading in readings))


def article_search(*, queryset: QuerySet[Article], text: str, ranked: bool = True) -> QuerySet[Article]:
    """Articles of ``queryset`` matching ``text``.

    On PostgreSQL: full-text search over the stored, GIN-indexed ``search_vector`` (stemmed in
    the article's language, CJK by pairs of characters; web-search syntax: quotes for phrases,
    ``or``, ``-word``). With ``ranked``, only the ``ARTICLE_SEARCH_RANK_LIMIT`` newest matches
    are kept, annotated with ``search_rank``, so that ordering by relevance ranks a bounded
    number of rows whatever the word. One query more than a list (:func:`_search_query`). Without ``ranked`` every
    match is kept (for an explicit ordering, which the indexes serve). Elsewhere (SQLite):
    every word must occur in the title or body (case-insensitive substring match), unranked.
    """
    text = text.strip()
    if not text:
        return queryset
    if uses_full_text_search():
        query = _search_query(text)
        if query is None:
            return queryset.none()
        matches = queryset.alias(search_vector=_SearchVector()).filter(search_vector=query)
        if not ranked:
            return matches
        # The newest matches by their ids and dates alone (a subquery: the GIN index for a rare
        # word, the date index for a common one), then only those rows are read and ranked.
        newest = matches.order_by("-created_at", "-pk").values("pk")[: settings.ARTICLE_SEARCH_RANK_LIMIT]
        return queryset.filter(pk__in=newest).annotate(search_rank=SearchRank(_SearchVector(), query))
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return queryset


def article_text_match(text: str) -> Q | None:
    """On PostgreSQL, a filter: the article's stored search vector matches ``text`` (full-text,
    as :func:`article_search` reads it, unranked); to be ORed with other conditions (the
    admin's search). None when ``text`` has no word to look for."""
    query = _search_query(text.strip()) if text.strip() else None
    return None if query is None else Q(SearchVectorExact(_SearchVector(), query))


def citation_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Citation]:
    """Citations ``user`` may see, with their article, outlet and what they support.

    A citation tells which case an article supports, so it is scoped like the fact or
    proceeding it supports (apps/sources/scoping.py).
    """
    return scoped(Citation.objects.select_related(
        "article__outlet", "document", "fact__case", "proceeding", "provision"
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
            Prefetch("citations", queryset=Citation.objects.select_related("article__outlet", "document").order_by("start", "pk"))
        ),
    )


def date_reading_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[DateReading]:
    """Date readings ``user`` may see (an agreement's: all; a proceeding's: as the proceeding)."""
    return scoped(
        DateReading.objects.select_related("agreement", "proceeding").prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("article__outlet", "document").order_by("start", "pk"))
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
