"""Extracting an article from a saved web page.

trafilatura finds the article among the page's navigation, teasers and comments and reads its
metadata (title, author, date, canonical address, site name). Its text then goes through the
same cleaner as plain text, so one boilerplate list serves both and the body has the same
paragraph form.

Nothing of the page's markup survives into the body: it is plain text, so a script or an event
handler in the page can never be stored active or rendered. The received page itself is kept,
unchanged, as the article's raw text, which is only ever shown escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree
from lxml import html as lxml_html

from apps.sources.ingestion.bounds import (
    EXTENSIVE_DATE_SEARCH_MAX_CHARS,
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    bound_html,
)
from apps.sources.ingestion.plain_text import CleanedText, clean_plain_text

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:p|div|article|br|span|a|h[1-6])\b[^>]*>", re.I)
# The handler part stops at the next "<" as well as at ">": scanning on to the end of the text
# from every "<" made a long text full of "<a " take minutes to classify.
_ACTIVE_TAG = re.compile(r"<(?:script|iframe|object|embed|style|svg)\b|<[^<>]*\son[a-z]+\s*=", re.I)
_EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$", re.I)
# Characters XML (and so lxml) refuses; they carry nothing in a page, so the parsers never see
# them. The raw text keeps them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class HtmlExtraction:
    """What a page says about its article, and how much active content it carried."""

    cleaned: CleanedText
    outlet_name: str = ""
    language: str = ""
    scripts_removed: int = 0
    event_handlers_removed: int = 0
    # The visible text of the whole page, one block per line: where a site names itself in
    # its furniture ("Support The Moscow Times!"), which the article text no longer has.
    page_text: str = ""
    warnings: list[str] = field(default_factory=list)


def looks_like_html(text: str) -> bool:
    """True for a saved page or an HTML fragment rather than plain text."""
    head = text[:2000]
    # Any active element anywhere makes it HTML: read as text, a pasted <script> would be kept.
    return bool(_HTML_START.match(head) or len(_HTML_TAGS.findall(head)) >= 2 or _ACTIVE_TAG.search(text))


def _active_content(html: str) -> tuple[int, int, str, str]:
    """(scripts, event handlers, <html lang>, canonical link) of a page, read with lxml."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return 0, 0, "", ""
    scripts = len(tree.xpath("//script"))
    handlers = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if _EVENT_ATTRIBUTE.match(name) or value.strip().lower().startswith("javascript:"):
                handlers += 1
    language = (tree.get("lang") or "").strip()
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    return scripts, handlers, language, canonical[0].strip() if canonical else ""


def _fallback_text(html: str) -> str:
    """The visible text of a page trafilatura could not read (a fragment, a tiny page)."""
    try:
        tree = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):
        # lxml asserts rather than raises on some bodiless pages (a bare "<html>").
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template|//iframe|//object|//embed"):
        element.drop_tree()
    blocks = []
    for element in tree.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"):
        text = " ".join(element.text_content().split())
        if text:
            blocks.append(text)
    if not blocks:
        blocks = [line.strip() for line in tree.text_content().splitlines() if line.strip()]
    return "\n\n".join(blocks)


def extract_html(html: str, *, url: str = "") -> HtmlExtraction:
    """The article in a page: cleaned body and metadata."""
    # Imported on first use: trafilatura pulls in a lot that only HTML imports need.
    import trafilatura

    # The parsers only ever see the page within its bounds (apps/sources/ingestion/bounds.py).
    bounded = bound_html(_NOT_XML.sub("", html))
    html = bounded.html
    scripts, handlers, language, canonical = _active_content(html)
    document = None
    try:
        from trafilatura.settings import set_date_params

        document = trafilatura.bare_extraction(
            html,
            date_extraction_params=set_date_params(extensive=len(html) <= EXTENSIVE_DATE_SEARCH_MAX_CHARS),
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - a parser failure on hostile input must not end the import
        document = None

    title = (getattr(document, "title", None) or "").strip()
    text = getattr(document, "text", None) or ""
    # trafilatura puts one paragraph per line; the cleaner expects blank lines between them.
    text = "\n\n".join(line for line in text.splitlines() if line.strip()) if text else _fallback_text(html)
    cleaned = clean_plain_text(text, title=title)

    authors = getattr(document, "author", None) or ""
    if authors and not cleaned.authors:
        cleaned.authors = [name.strip() for name in re.split(r";|\band\b", authors) if name.strip()]
    date = getattr(document, "date", None) or ""
    if date and not cleaned.published_on:
        try:
            cleaned.published_on = dt.date.fromisoformat(date[:10])
        except ValueError:
            pass
    cleaned.url = canonical or (getattr(document, "url", None) or "") or cleaned.url

    extraction = HtmlExtraction(
        cleaned=cleaned,
        outlet_name=(getattr(document, "sitename", None) or "").strip(),
        language=language.split("-")[0].lower() if language else "",
        scripts_removed=scripts,
        event_handlers_removed=handlers,
        page_text=_fallback_text(html),
    )
    if bounded.attributes_dropped or bounded.elements_flattened:
        extraction.warnings.append(
            _("The page's markup was over the importer's bounds: %(attributes_dropped)s attribute(s) beyond the first %(MAX_ATTRIBUTES)s of a tag and %(elements_flattened)s element(s) nested deeper than %(MAX_DEPTH)s levels were left out before reading it.") % {"attributes_dropped": bounded.attributes_dropped, "MAX_ATTRIBUTES": MAX_ATTRIBUTES, "elements_flattened": bounded.elements_flattened, "MAX_DEPTH": MAX_DEPTH}
        )
    if scripts or handlers:
        extraction.warnings.append(
            _("The page had %(scripts)s script(s) and %(handlers)s event handler(s) or javascript: link(s); none of them is in the stored body.") % {"scripts": scripts, "handlers": handlers}
        )
    return extraction
