"""Importing an article: from what a caseworker brings to a stored, hashed source.

Two steps, so that the admin can show a preview and let the caseworker correct it:

* :func:`article_extract` reads text, HTML or bytes and returns an :class:`ImportDraft` (body,
  title, outlet, authors, date, address, language, duplicate if any). It writes nothing.
* :func:`article_import` extracts, applies the caseworker's corrections and stores the article
  through :func:`apps.sources.services.article_create`, in one transaction: a failure leaves
  nothing behind. A duplicate (same body hash or same canonical address) is reported with the
  stored article, never stored twice.

Bad input raises :class:`ImportRejected` (a ValidationError) with a message for the caseworker
and a ``reason`` code: ``empty``, ``too_large``, ``binary``, ``undecodable``, ``no_text``,
``no_outlet``, ``unsupported``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from apps.people.models import Organization
from apps.people.services import organization_create
from apps.sources.addresses import canonical_url, is_copy_address, site_domain
from apps.sources.ingestion.boilerplate import is_boilerplate_line
from apps.sources.ingestion.dates import date_in_url
from apps.sources.ingestion.decoding import (
    ImportRejected,
    check_size,
    check_text,
    decode_bytes,
)
from apps.sources.ingestion.html import extract_html, looks_like_html
from apps.sources.ingestion.language import detect_language
from apps.sources.ingestion.plain_text import clean_plain_text
from apps.sources.models import Article
from apps.sources.normal_form import body_sha256, normalize_body
from apps.sources.selectors import known_outlet_for
from apps.sources.services import (
    DuplicateArticle,
    article_create,
    article_find_duplicate,
    article_original_keep,
    known_outlet_link,
)

__all__ = [
    "ImportDraft",
    "ImportRejected",
    "ImportResult",
    "article_extract",
    "article_import",
    "canonical_url",
]

TITLE_MAX = Article._meta.get_field("title").max_length
AUTHORS_MAX = Article._meta.get_field("authors").max_length
URL_MAX = Article._meta.get_field("url").max_length
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_DATELINE_OUTLET = re.compile(r"\(([A-Z][A-Za-z&.\- ]{1,30})\)\s*(?:--|—|–|-)")


@dataclass
class ImportDraft:
    """An article as extracted, before it is stored: what the admin preview shows."""

    body: str
    raw_text: str
    title: str = ""
    outlet: Organization | None = None
    outlet_name: str = ""
    authors: list[str] = field(default_factory=list)
    published_on: dt.date | None = None
    url: str = ""
    language: str = "und"
    format: str = "text"
    encoding: str = ""
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    duplicate: Article | None = None
    duplicate_reason: str = ""
    # The input as received: the file's bytes, or a text's UTF-8; kept as the article's original.
    original: bytes = b""
    received_as: str = "file"
    filename: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The extracted fields as JSON-ready values (for the command's --json and the API)."""
        data = asdict(self)
        for name in ("outlet", "duplicate", "raw_text", "body", "original"):
            data.pop(name)
        data["original_sha256"] = hashlib.sha256(self.original).hexdigest() if self.original else ""
        data["original_bytes"] = len(self.original)
        data["outlet"] = self.outlet.name if self.outlet else ""
        data["published_on"] = self.published_on.isoformat() if self.published_on else None
        data["duplicate_of"] = str(self.duplicate.public_id) if self.duplicate else None
        data["body_characters"] = len(self.body)
        return data


@dataclass
class ImportResult:
    """``status`` is "created" or "duplicate"; ``article`` the new or the existing article."""

    status: str
    article: Article
    draft: ImportDraft

    @property
    def created(self) -> bool:
        return self.status == "created"


def _valid_url(url: str) -> str:
    if not url or len(url) > URL_MAX:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def _outlet_candidates_text(raw: str, body: str) -> list[str]:
    """Lines where a site names itself: its boilerplate, and a wire dateline ("SEOUL (UPI) --")."""
    lines = [line.strip() for line in raw.splitlines()[:400] if line.strip()]
    texts = [line for line in lines if is_boilerplate_line(line)]
    texts += [f"({match.group(1)})" for match in _DATELINE_OUTLET.finditer(body[:1000])]
    return texts


def detect_outlet(*, url: str, raw: str, body: str, site_name: str = "") -> Organization | None:
    """The known news outlet an article comes from: by address (a recorded outlet's website,
    then the outlet registry), site name or boilerplate."""
    outlets = list(Organization.objects.filter(kind=Organization.Kind.NEWS_OUTLET))
    host = site_domain(url) if url else ""
    if host:
        for outlet in outlets:
            website = site_domain(outlet.website) if outlet.website else ""
            if website and (host == website or host.endswith("." + website)):
                return outlet
        known = known_outlet_for(address=url)
        if known is not None:
            if known.organization_id:
                return known.organization
            named = [outlet for outlet in outlets if outlet.name.casefold() == known.name.casefold()]
            if named:
                return named[0]
    if site_name:
        for outlet in outlets:
            if site_name.casefold() in {outlet.name.casefold(), outlet.short_name.casefold()}:
                return outlet
    texts = _outlet_candidates_text(raw, body)
    # Longest names first, so "Korea JoongAng Daily" wins over a short name inside it.
    for outlet in sorted(outlets, key=lambda org: -len(org.name)):
        names = [outlet.name] + ([outlet.short_name] if len(outlet.short_name) >= 3 else [])
        for name in names:
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
            if any(pattern.search(text) for text in texts):
                return outlet
    return None


def _fallback_title(body: str) -> str:
    first = body.split("\n", 1)[0]
    words = first.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


def article_extract(
    *,
    content: str | bytes,
    filename: str = "",
    format: str | None = None,
    url: str = "",
    title: str = "",
) -> ImportDraft:
    """Read an article from text, HTML or the bytes of a file; store nothing.

    ``format`` is "text" or "html"; by default it is decided from ``filename`` and the content.
    ``url`` and ``title``, when known, help: the title is removed from the body, the address
    gives a date and is checked for duplicates.
    """
    # A form or JSON field left out arrives as None: the same as one left empty.
    content = "" if content is None else content
    filename, url, title = filename or "", url or "", title or ""
    if not isinstance(content, str | bytes):
        raise ImportRejected(_("An article is imported from text or from the bytes of a file."), code="unsupported")
    is_html_name = filename.lower().endswith(HTML_SUFFIXES)
    if isinstance(content, bytes):
        text, encoding = decode_bytes(content, is_html=is_html_name or format == "html")
    else:
        check_size(len(content.encode("utf-8", errors="surrogatepass")))
        check_text(content)
        text, encoding = content, ""
    if not text.strip():
        raise ImportRejected(_("The text is empty."), code="empty")
    if format not in (None, "", "text", "html"):
        raise ImportRejected(_("Unknown format “%(format)s”: use text or html.") % {"format": format}, code="unsupported")
    is_html = format == "html" or (format != "text" and (is_html_name or looks_like_html(text)))

    warnings: list[str] = []
    site_name = html_language = ""
    furniture = text
    if is_html:
        extraction = extract_html(text, url=url)
        cleaned = extraction.cleaned
        site_name, html_language = extraction.outlet_name, extraction.language
        furniture = extraction.page_text
        warnings += extraction.warnings
        if title and title != cleaned.title:
            # The caller's title may still stand at the head of the text: remove it there too,
            # keeping what the page's metadata said.
            cleaned.body = clean_plain_text(cleaned.body, title=title).body
    else:
        cleaned = clean_plain_text(text, title=title)

    body = normalize_body(cleaned.body)
    if not body.strip():
        raise ImportRejected(
            _("No article text was found: everything in it looks like site furniture or markup."), code="no_text"
        )
    given = url or cleaned.url
    if url and cleaned.url and is_copy_address(url) and site_domain(cleaned.url) == site_domain(url):
        # An AMP or mobile copy names the page it copies (rel=canonical): that is the source.
        given = cleaned.url
    address = _valid_url(canonical_url(given))
    if (url or cleaned.url) and not address:
        warnings.append(_("The address found is not a valid http(s) URL and was left out."))
    published_on = cleaned.published_on or (date_in_url(address) if address else None)
    draft = ImportDraft(
        body=body,
        raw_text=text,
        title=(title or cleaned.title or _fallback_title(body))[:TITLE_MAX],
        outlet=detect_outlet(url=address, raw=furniture, body=body, site_name=site_name),
        outlet_name=site_name,
        authors=cleaned.authors,
        published_on=published_on,
        url=address,
        language=html_language or detect_language(body),
        format="html" if is_html else "text",
        encoding=encoding,
        sha256=body_sha256(body),
        warnings=warnings,
        original=content if isinstance(content, bytes) else content.encode("utf-8"),
        received_as="file" if isinstance(content, bytes) else "text",
        filename=filename,
    )
    known = known_outlet_for(address=address) if address and not draft.outlet else None
    if draft.outlet:
        draft.outlet_name = draft.outlet.name
    elif known is not None:
        # The registry names the outlet as it names itself ("Meduza", not "meduza.io").
        draft.outlet_name = known.name
    elif not draft.outlet_name and address:
        draft.outlet_name = site_domain(address)
    duplicate = article_find_duplicate(body=body, url=address)
    if duplicate:
        draft.duplicate, draft.duplicate_reason = duplicate
    return draft


CORRECTABLE = ("title", "authors", "published_on", "url", "language", "body")


def _apply_corrections(draft: ImportDraft, corrections: dict[str, Any]) -> None:
    # The outlet is its own argument of article_import: it may create an organization.
    unknown = set(corrections) - set(CORRECTABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be set on import.") for name in sorted(unknown)})
    for name, value in corrections.items():
        if value in (None, "") and name != "published_on":
            continue
        value = _correction_value(name, value)
        if name == "url":
            value = canonical_url(value)
        if name == "body":
            value = normalize_body(value)
        setattr(draft, name, value)
    if "body" in corrections or "url" in corrections:
        draft.sha256 = body_sha256(draft.body)
        duplicate = article_find_duplicate(body=draft.body, url=draft.url)
        draft.duplicate, draft.duplicate_reason = duplicate if duplicate else (None, "")


def _correction_value(name: str, value: Any) -> Any:
    """``value`` as the draft holds it, or a ValidationError naming the field: corrections
    come from forms and JSON, and a wrong type must be refused, not crash the import."""
    if name == "authors":
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple) or not all(isinstance(part, str) for part in value):
            raise ValidationError({name: _("Give the authors as names separated by commas, or a list of names.")})
        return [part.strip() for part in value if part.strip()]
    if name == "published_on":
        if value in (None, ""):
            return None  # the caseworker cleared a wrong date
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationError({name: _("Give the date as YYYY-MM-DD.")}) from None
    if not isinstance(value, str):
        raise ValidationError({name: _("Give this field as text.")})
    return value


def _resolve_outlet(draft: ImportDraft, outlet: Organization | str | None, *,
                    added_by: AbstractBaseUser | None = None) -> Organization:
    if isinstance(outlet, Organization):
        return outlet
    if isinstance(outlet, str) and outlet.strip():
        name = outlet.strip()
        known = Organization.objects.filter(name__iexact=name).first() or Organization.objects.filter(
            short_name__iexact=name, kind=Organization.Kind.NEWS_OUTLET
        ).first()
        if known:
            return known
        draft.outlet_name = name
    elif draft.outlet:
        return draft.outlet
    if not draft.outlet_name:
        raise ImportRejected(
            _("The outlet could not be told from the article; choose or name it."), code="no_outlet"
        )
    # A source from a site nobody recorded yet: record the site as a news outlet, so the
    # article can be saved now and the outlet completed later.
    existing = Organization.objects.filter(name__iexact=draft.outlet_name).first()
    if existing:
        return existing
    # Importing must not become a way round the permission to record organizations (the
    # command line, with no user, is run by an administrator).
    if added_by is not None and not added_by.has_perm("people.add_organization"):
        raise ImportRejected(
            _("The outlet “%(outlet_name)s” is not recorded yet, and you may not add organizations: choose a recorded outlet, or ask someone who may add it.") % {"outlet_name": draft.outlet_name},
            code="no_outlet",
        )
    website = ""
    known = known_outlet_for(address=draft.url) if draft.url else None
    if draft.url:
        parts = urlsplit(draft.url)
        website = f"{parts.scheme}://{parts.netloc}"
    recorded = organization_create(
        name=draft.outlet_name[:255],
        kind=Organization.Kind.NEWS_OUTLET,
        website=website,
        short_name=known.short_name if known and known.name == draft.outlet_name else "",
        country=known.country.code if known and known.country and known.name == draft.outlet_name else "",
        notes="Recorded when an article from it was imported.",
    )
    if known is not None and known.name == draft.outlet_name:
        known_outlet_link(known_outlet=known, organization=recorded)
    return recorded


def article_import(
    *,
    content: str | bytes,
    filename: str = "",
    format: str | None = None,
    url: str = "",
    title: str = "",
    outlet: Organization | str | None = None,
    corrections: dict[str, Any] | None = None,
    added_by: AbstractBaseUser | None = None,
    public_id=None,
) -> ImportResult:
    """Extract an article and store it, or report the stored duplicate.

    ``outlet`` (an Organization or a name) overrides the detected outlet; ``corrections`` may
    set title, authors (list or comma-separated), published_on, url, language or body as the
    caseworker corrected them in the preview. Raises ImportRejected for bad input and
    ValidationError for invalid corrections; either way nothing is saved.
    """
    draft = article_extract(content=content, filename=filename, format=format, url=url, title=title)
    if corrections:
        _apply_corrections(draft, corrections)
    if draft.duplicate:
        return ImportResult(status="duplicate", article=draft.duplicate, draft=draft)
    try:
        with transaction.atomic():
            article = _store(draft, outlet=outlet, added_by=added_by, public_id=public_id)
    except DuplicateArticle as duplicate:
        # Stored by someone else between the check and the write.
        draft.duplicate, draft.duplicate_reason = duplicate.existing, duplicate.reason
        return ImportResult(status="duplicate", article=duplicate.existing, draft=draft)
    return ImportResult(status="created", article=article, draft=draft)


def _store(draft: ImportDraft, *, outlet, added_by, public_id) -> Article:
    stored_outlet = _resolve_outlet(draft, outlet, added_by=added_by)
    draft.outlet, draft.outlet_name = stored_outlet, stored_outlet.name
    authors = ", ".join(draft.authors)
    article = article_create(
        title=draft.title,
        outlet=stored_outlet,
        body=draft.body,
        raw_text=draft.raw_text,
        authors=authors[:AUTHORS_MAX],
        published_on=draft.published_on,
        url=draft.url,
        language=(draft.language or "und")[:16],
        added_by=added_by,
        public_id=public_id,
    )
    # The bytes as received, beside the texts made from them (the same transaction).
    article_original_keep(
        article=article,
        content=draft.original,
        received_as=draft.received_as,
        format=draft.format,
        encoding=draft.encoding,
        filename=draft.filename,
        public_id=uuid.uuid5(uuid.UUID(str(public_id)), "original") if public_id else None,
    )
    return article

