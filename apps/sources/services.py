"""Writes on sources: articles and the citations quoted from them."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.core.services import record_create, record_update
from apps.people.models import Organization
from apps.sources.addresses import site_domain, url_variants
from apps.sources.models import Article, ArticleOriginal, Citation, DateReading, KnownOutlet
from apps.sources.normal_form import (
    FoldedText,
    body_sha256,
    find_folded,
    find_near,
    fold_quote,
    normalize_body,
)


class DuplicateArticle(ValidationError):
    """The article is already stored (same body hash or same address)."""

    def __init__(self, existing: Article, reason: str) -> None:
        self.existing, self.reason = existing, reason
        super().__init__(
            {"body" if reason == "body" else "url": f"This article is already stored as “{existing.title}”."},
            code="duplicate",
        )


def article_find_duplicate(
    *, body: str, url: str = "", other_than: Article | None = None
) -> tuple[Article, str] | None:
    """The stored article with the same normalized body, or with the same canonical address
    (any spelling of it: scheme, ``www.``, trailing slash, tracking parameters), if any.

    Returns (article, "body" or "url"). Every path that stores an article asks this one
    function, so that no path lets a source be stored twice. ``other_than``: the article being
    changed, which is not its own duplicate.
    """
    articles = Article.objects.exclude(pk=other_than.pk) if other_than else Article.objects.all()
    existing = articles.filter(sha256=body_sha256(body)).first()
    if existing:
        return existing, "body"
    if url:
        existing = articles.filter(url__in=url_variants(url)).order_by("pk").first()
        if existing:
            return existing, "url"
    return None


@transaction.atomic
def article_create(
    *,
    title: str,
    outlet: Organization,
    body: str,
    raw_text: str | None = None,
    authors: str = "",
    published_on: dt.date | None = None,
    url: str = "",
    language: str = "en",
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> Article:
    """Store a source. The body is kept in normal form and hashed; the raw text as received.

    Raises DuplicateArticle when the same body or address is already stored, so that a source
    is never split across two records.
    """
    body = normalize_body(body or "")
    if not body:
        raise ValidationError({"body": _("The article has no text.")})
    duplicate = article_find_duplicate(body=body, url=url)
    if duplicate:
        raise DuplicateArticle(*duplicate)
    article = Article(
        title=title.strip(),
        outlet=outlet,
        body=body,
        raw_text=body if raw_text is None else raw_text,
        sha256=body_sha256(body),
        authors=authors.strip(),
        published_on=published_on,
        url=url.strip(),
        language=language,
        added_by=added_by if added_by and added_by.is_authenticated else None,
    )
    if public_id:
        article.public_id = public_id
    article.full_clean()
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Two requests storing one article at the same moment both pass the check above (it
        # cannot see a row that is not committed yet); the unique hash or address stops the
        # second one here, and it is the duplicate it now is, not a server error.
        duplicate = article_find_duplicate(body=body, url=url)
        if duplicate is None:
            raise
        raise DuplicateArticle(*duplicate) from None
    return article


def article_original_keep(
    *,
    article: Article,
    content: bytes,
    received_as: str,
    format: str,
    encoding: str = "",
    filename: str = "",
    public_id=None,
) -> ArticleOriginal:
    """Keep the bytes an article was imported from, as received, with their SHA-256.

    Once per article, and never changed afterwards: the original is the evidence of what came
    in, apart from the working copy (the body) that citations quote. The importer has already
    bounded its size (``ARTICLE_IMPORT_MAX_BYTES``).
    """
    if ArticleOriginal.objects.filter(article=article).exists():
        raise ValidationError(
            {"content": _("This article's original is already kept and cannot be replaced.")}, code="protected"
        )
    original = ArticleOriginal(
        article=article,
        content=bytes(content),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        received_as=received_as,
        format=format,
        encoding=encoding,
        filename=(filename or "")[-255:],
    )
    if public_id:
        original.public_id = public_id
    original.full_clean()
    original.save()
    return original


# What a change of an article may touch. The text as received (``raw_text``) is the evidence
# of what came in and never changes; the hash follows the body.
ARTICLE_CHANGEABLE = ("title", "outlet", "authors", "published_on", "url", "language", "body")


@transaction.atomic
def article_update(*, article: Article, **changes) -> tuple[Article, bool]:
    """Change an article's metadata or text; returns it and whether anything changed.

    The text of an article that is already quoted cannot change: every citation's offsets
    point into it, and a dossier must quote what the source said. Raises DuplicateArticle
    when the new text or address is another stored article's. The raw text is the evidence
    of what was received and never changes.
    """
    if "raw_text" in changes and changes.pop("raw_text") != article.raw_text:
        raise ValidationError({"raw_text": _("The text as received is kept as it was and cannot change.")})
    changes.pop("sha256", None)  # derived from the body, never set by hand
    if "body" in changes:
        # Locked before the citations are counted, so that no citation is added between the
        # count and the change (citation_add takes the same lock); see _article_locked.
        _article_locked(article)
        new_body = normalize_body(changes["body"] or "")
        if new_body == article.body:
            del changes["body"]
        else:
            if article.citations.exists():
                raise ValidationError(
                    {"body": _("This article is quoted by citations; its text can no longer change.")}
                )
            if not new_body:
                raise ValidationError({"body": _("The article has no text.")})
            changes["body"], changes["sha256"] = new_body, body_sha256(new_body)
    body, url = changes.get("body", article.body), changes.get("url", article.url)
    if (body, url) != (article.body, article.url):
        duplicate = article_find_duplicate(body=body, url=url, other_than=article)
        if duplicate:
            raise DuplicateArticle(*duplicate)
    return record_update(record=article, fields=(*ARTICLE_CHANGEABLE, "sha256"), data=changes)


def _passage(text: str) -> str:
    """A passage short enough to quote in a message."""
    return text if len(text) <= 300 else f"{text[:200]}… …{text[-90:]}"


def quote_locate(*, body: str, quote: str, start: int | None = None, source: str = "article") -> tuple[int, int]:
    """The body's slice ``(start, end)`` that ``quote`` stands for: at ``start`` if given, else
    its first occurrence.

    The words as typed first, then with the tolerant comparison of ``normal_form`` (line
    ends, Unicode composition, typographic quotes and dashes, whitespace, invisible characters),
    which is how a pasted quote differs from the stored text. What is stored is always
    ``body[start:end]``, which may differ from the quote as typed in exactly those ways. When
    the words are not there, the message offers the nearest passage, if one is close.
    ``source`` names what the body is in the messages ("article" or "document").
    """
    if not quote or not quote.strip():
        raise ValidationError({"quote": _("The quote is empty.")})
    if start is not None and start >= 0 and body.startswith(quote, start):
        return start, start + len(quote)
    if start is None and (position := body.find(quote)) >= 0:
        return position, position + len(quote)
    folded_quote = fold_quote(quote)
    if not folded_quote:
        raise ValidationError({"quote": _("The quote is empty.")})
    folded_body = FoldedText(body)
    found = find_folded(folded_body, folded_quote, start)
    if found:
        return found
    if start is None:
        message = f"This text does not appear in the {source}. Copy the words exactly."
    else:
        message = f"The quote is not in the {source}'s text at position {start}."
        elsewhere = find_folded(folded_body, folded_quote)
        if elsewhere:
            raise ValidationError(
                {"quote": ValidationError(_("%(message)s It begins at position %(position)s.") % {"message": message, "position": elsewhere[0]}, code="not_found")}
            )
    near = find_near(folded_body, folded_quote)
    if near is None:
        raise ValidationError({"quote": ValidationError(message, code="not_found")})
    # The passage goes in as a parameter: a "%" in the article is text, not a placeholder.
    raise ValidationError(
        {
            "quote": ValidationError(
                message.replace("%", "%%") + " Did you mean: “%(passage)s”?",
                code="near_match",
                params={"passage": _passage(body[near[0] : near[1]]), "start": near[0], "end": near[1]},
            )
        }
    )


def _article_locked(article: Article) -> Article:
    """The article's row, locked until the transaction ends, as it is now in the database.

    Quoting an article and changing its text are rules over two tables (a body may change only
    while no citation points into it): without the lock, a citation could be checked against
    the old text while another transaction changes it, and both would commit. On PostgreSQL
    this is ``SELECT … FOR UPDATE``, and the second writer waits, then sees the first one's
    work. SQLite has no row locks (Django leaves the clause out); there, one write transaction
    runs at a time (``transaction_mode: IMMEDIATE`` in the settings makes it start so).
    """
    return Article.objects.select_for_update().get(pk=article.pk)


def _document_locked(document):
    """The document's row, locked as :func:`_article_locked` locks an article, with its text.

    Documents sit above this app: the model is reached through the record, not imported.
    """
    locked = type(document)._default_manager.select_for_update().get(pk=document.pk)
    if locked.text_state != "extracted":
        raise ValidationError({"document": _("This document's text has not been extracted yet; quote it once it has.")})
    return locked


def _source_locked(*, article=None, document=None) -> tuple[Article | None, object | None, str]:
    """(article, document, text) of the one source quoted, locked; refused unless exactly one."""
    if (article is None) == (document is None):
        raise ValidationError({"article": _("Quote exactly one source: an article or a document.")})
    if article is not None:
        article = _article_locked(article)
        return article, None, article.body
    document = _document_locked(document)
    return None, document, document.text


@transaction.atomic
def citation_add(
    *,
    article: Article | None = None,
    document=None,
    quote: str,
    fact=None,
    proceeding=None,
    provision=None,
    date_reading=None,
    start: int | None = None,
    note: str = "",
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> Citation:
    """Cite a quote of a stored article, or of a case's document, as support for one fact,
    proceeding, provision or date reading.

    The quote is found as ``quote_locate`` finds it, and stored as the text's own slice.
    """
    # The text as it is now, under the lock: not the copy the caller loaded earlier.
    article, document, text = _source_locked(article=article, document=document)
    start, end = quote_locate(body=text, quote=quote, start=start, source="document" if document else "article")
    citation = Citation(
        article=article,
        document=document,
        quote=text[start:end],
        start=start,
        end=end,
        fact=fact,
        proceeding=proceeding,
        provision=provision,
        date_reading=date_reading,
        note=note,
        added_by=added_by if added_by and added_by.is_authenticated else None,
    )
    if public_id:
        citation.public_id = public_id
    citation.full_clean()
    citation.save()
    return citation


def article_delete(*, article: Article) -> None:
    """Delete a source that nothing quotes; a quoted source must stay."""
    if article.citations.exists():
        raise ValidationError(
            _("“%(title)s” is quoted by %(count)s citation(s) and cannot be deleted.") % {"title": article.title, "count": article.citations.count()},
            code="protected",
        )
    article.delete()


@transaction.atomic
def citation_update(*, citation: Citation, **changes) -> tuple[Citation, bool]:
    """Change a citation's quote (found again in the same article) or its note.

    What it quotes and what it supports stay: a quote of another article, or for another
    record, is a new citation.
    """
    for name in ("article", "document", *Citation.SUPPORTED):
        if name in changes and changes.pop(name) != getattr(citation, name):
            raise ValidationError({name: _("Cite it anew instead: a citation keeps its article and what it supports.")})
    if "quote" in changes and changes["quote"] != citation.quote:
        _article, document, body = _source_locked(article=citation.article, document=citation.document)
        source = "document" if document else "article"
        try:
            # The same words where the citation already is (a quote sent back with the line
            # ends a browser uses, say) keep their place, even if they also occur earlier.
            start, end = quote_locate(body=body, quote=changes["quote"], start=citation.start, source=source)
        except ValidationError:
            start, end = quote_locate(body=body, quote=changes["quote"], source=source)
        changes.update(quote=body[start:end], start=start, end=end)
    return record_update(record=citation, fields=("quote", "start", "end", "note"), data=changes)


@transaction.atomic
def citation_remove(*, citation: Citation) -> None:
    """Withdraw a quote; a fact and a date reading keep at least one (they are refused without)."""
    if citation.fact_id and citation.fact.citations.count() == 1:
        raise ValidationError(
            _("A fact needs at least one supporting quote, and this is its only one: "
            "cite another source first, or delete the fact."),
            code="protected",
        )
    if citation.date_reading_id and citation.date_reading.citations.count() == 1:
        raise ValidationError(
            _("A date reading is what a source says, and this is its only quote: cite another source "
              "first, or remove the reading."),
            code="protected",
        )
    citation.delete()


KNOWN_OUTLET_CHANGEABLE = ("domain", "name", "short_name", "country", "organization")


def _known_outlet_domain(domain: str) -> str:
    """The registry's spelling of a domain typed as an address or a host, or a refusal."""
    spelled = site_domain(domain)
    if not spelled or "." not in spelled or " " in spelled:
        raise ValidationError({"domain": "Give the site's domain, e.g. meduza.io (an address is fine too)."})
    return spelled


def known_outlet_create(*, domain: str, name: str, short_name: str = "", country: str = "",
                        organization: Organization | None = None) -> KnownOutlet:
    """Add a site to the outlet registry, so that its articles are recognised by address.

    ``domain`` may be typed as an address (https://www.meduza.io/…): it is stored as the
    site's bare domain. One entry a domain.
    """
    domain = _known_outlet_domain(domain)
    if KnownOutlet.objects.filter(domain=domain).exists():
        raise ValidationError({"domain": f"{domain} is already in the registry."}, code="unique")
    return record_create(model=KnownOutlet, data={
        "domain": domain, "name": name, "short_name": short_name, "country": country, "organization": organization,
    })


def known_outlet_update(*, known_outlet: KnownOutlet, **changes) -> tuple[KnownOutlet, bool]:
    """Change a registry entry (its domain, name or recorded outlet); returns it and whether it changed."""
    if "domain" in changes:
        changes["domain"] = _known_outlet_domain(changes["domain"])
        if KnownOutlet.objects.filter(domain=changes["domain"]).exclude(pk=known_outlet.pk).exists():
            raise ValidationError({"domain": f"{changes['domain']} is already in the registry."}, code="unique")
    return record_update(record=known_outlet, fields=KNOWN_OUTLET_CHANGEABLE, data=changes)


def known_outlet_link(*, known_outlet: KnownOutlet, organization: Organization) -> KnownOutlet:
    """Point a registry entry that named no outlet yet at the one just recorded for it."""
    if known_outlet.organization_id is None:
        known_outlet, _changed = known_outlet_update(known_outlet=known_outlet, organization=organization)
    return known_outlet


@transaction.atomic
def date_reading_add(
    *,
    field: str,
    value,
    supports: list[dict],
    agreement=None,
    proceeding=None,
    note: str = "",
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> DateReading:
    """Record what sources say one date of an agreement or a proceeding is, with their quotes.

    ``supports`` are the citations (``article``, ``quote``, optional ``start``, ``note``,
    ``public_id``), at least one: a reading without a source would be an opinion. Another
    reading of the same date with a different value makes that date disputed (derived, see
    ``DateReading``); the same value read again is refused on ``value``, naming the reading
    to add the source to.
    """
    reading = DateReading(
        agreement=agreement,
        proceeding=proceeding,
        field=field,
        note=note,
        added_by=added_by if added_by and added_by.is_authenticated else None,
    )
    try:
        reading.value = value
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    if reading.value is None:
        raise ValidationError({"value": _("Give the date as the source gives it, e.g. 2 Feb 2016.")})
    if not supports:
        raise ValidationError({"citations": _("Quote the source that gives this date.")})
    if public_id:
        reading.public_id = public_id
    target = agreement or proceeding
    if target is not None and reading.field:
        same = DateReading.objects.filter(
            **{"agreement" if agreement else "proceeding": target},
            field=reading.field,
            value_start=reading.value_start,
            value_end=reading.value_end,
            value_precision=reading.value_precision,
            value_approximate=reading.value_approximate,
        ).first()
        if same:
            raise ValidationError(
                {"value": _("This date is already read as %(value)s: add your source to that reading instead.")
                 % {"value": same.value}}
            )
    reading.full_clean()
    reading.save()
    for support in supports:
        citation_add(date_reading=reading, added_by=added_by, **support)
    return reading


@transaction.atomic
def date_reading_update(*, reading: DateReading, **changes) -> tuple[DateReading, bool]:
    """Change a reading's date (as its sources give it) or its note; its record and which date stay."""
    for name in ("agreement", "proceeding", "field"):
        if name in changes and changes.pop(name) != getattr(reading, name):
            raise ValidationError({name: _("Record a new reading instead: a reading keeps its record and its date.")})
    return record_update(record=reading, fields=("value", "note"), data=changes)


@transaction.atomic
def date_reading_remove(*, reading: DateReading) -> None:
    """Withdraw a reading and its quotes (the record's own date is not touched)."""
    reading.delete()
