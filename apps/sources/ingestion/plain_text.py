"""Cleaning an article saved as plain text (or light Markdown) into its body and metadata.

A saved article is a title, a byline, a dateline, the paragraphs, and the site's furniture
around them. :func:`clean_plain_text` keeps the paragraphs as the body and returns what the
header said (title, authors, date, address) for the caller to use or override.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from apps.sources.ingestion.boilerplate import strip_boilerplate_lines
from apps.sources.ingestion.dates import date_in_text, is_date_line

# How far into the text a title, byline or dateline may sit: beyond it, a short line is a
# sub-heading of the article, not its header.
HEADER_LINES = 10
TITLE_MAX_LENGTH = 200
BYLINE_MAX_LENGTH = 160
# A short unfinished line before a lower-case paragraph is more likely a heading than a break.
BROKEN_MIN_WORDS = 6

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
# None of the markup patterns may run past the next opening marker: a line full of unclosed
# "[" or "**" would otherwise be rescanned to its end from every marker (quadratic: minutes for
# a pasted page of a few hundred kB).
_IMAGE_OR_LINK = re.compile(r"!?\[(?P<text>[^\[\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?|mailto):[^>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(?P<text>(?:(?!\1).)+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(?P<text>[^*]+?)(?<=\S)\*(?![\w*])")
_ESCAPE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!$>])")
_BYLINE = re.compile(r"^by\s+(?P<names>[^|•·]+?)(?:\s*[|•·]\s*(?P<rest>.*))?$", re.IGNORECASE)
_URL_LINE = re.compile(r"^<?(?P<url>https?://[^\s<>]+?)>?$", re.IGNORECASE)
_ORIGINAL_URL = re.compile(r"^(?:original url|source|источник):\s*(?P<rest>.*)$", re.IGNORECASE)
# A paragraph that ends like this is finished; one that does not, followed by a paragraph
# that starts in lower case, was broken in two by the site or by copying.
_TERMINAL = tuple(".!?:;\"'”’»)…")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


@dataclass
class CleanedText:
    """The body of an article and what its header said."""

    body: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published_on: dt.date | None = None
    url: str = ""


def unwrap_markdown(line: str) -> tuple[str, bool]:
    """The text of a Markdown line without its markup, and whether it was a heading."""
    heading = _HEADING.match(line)
    if heading:
        line = heading["text"]
    line = _IMAGE_OR_LINK.sub(lambda match: match["text"], line)
    line = _AUTOLINK.sub(lambda match: match["url"], line)
    line = _BOLD.sub(lambda match: match["text"], line)
    line = _ITALIC.sub(lambda match: match["text"], line)
    line = _ESCAPE.sub(lambda match: match["char"], line)
    return line, bool(heading)


def _key(text: str) -> str:
    """A comparison form: typographic quotes, spaces and case do not matter."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).split()).casefold()


def _split_authors(names: str) -> list[str]:
    names = re.sub(r"\s+and\s+", ",", names.strip(), flags=re.IGNORECASE)
    return [name.strip(" .") for name in names.split(",") if name.strip(" .")]


def _take_url(lines: list[str]) -> tuple[list[str], str]:
    """Remove the article's own address from the text and return it.

    The address is a link alone on a line after "Original url:" (or "Source:"), or as the first
    or the last line; a link alone on a line elsewhere is a reference the article makes, and
    stays.
    """
    nonblank = [index for index, line in enumerate(lines) if line.strip()]
    ends = {nonblank[0], nonblank[-1]} if nonblank else set()
    kept: list[str] = []
    url, after_label = "", False
    for index, line in enumerate(lines):
        stripped = line.strip()
        label = _ORIGINAL_URL.match(stripped)
        if label and (not label["rest"] or _URL_LINE.match(label["rest"])):
            link = _URL_LINE.match(label["rest"])
            if link:
                url = url or link["url"]
            after_label = not link
            continue
        if not stripped:
            kept.append(line)
            continue
        link = _URL_LINE.match(stripped)
        if link and (after_label or index in ends):
            url = url or link["url"]
        else:
            kept.append(line)
        after_label = False
    return kept, url


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _rejoin_broken(paragraphs: list[str]) -> list[str]:
    joined: list[str] = []
    for paragraph in paragraphs:
        if (
            joined
            and not joined[-1].endswith(_TERMINAL)
            and paragraph[:1].islower()
            and len(joined[-1].split()) >= BROKEN_MIN_WORDS
        ):
            joined[-1] = f"{joined[-1]} {paragraph}"
        else:
            joined.append(paragraph)
    return joined


# A shorter opening could be a common phrase ("The announcement"), not a repeated paragraph.
REPEAT_MIN_LENGTH = 40


def _repeated_later(keys: list[str]) -> list[bool]:
    """For each key, whether a later key equals it or (when it is long enough) begins with it.

    Comparing every key with every later one was quadratic: a pasted text of many short
    paragraphs took minutes. In sorted order the keys that begin with a key follow it in one
    run, and those runs nest, so one pass with a stack finds the latest index in each run.
    """
    repeated = [False] * len(keys)
    stack: list[list] = []  # [key, its index, the latest index among the keys beginning with it]

    def close() -> None:
        key, index, latest = stack.pop()
        if len(key) >= REPEAT_MIN_LENGTH:
            repeated[index] = latest > index
        if stack:
            stack[-1][2] = max(stack[-1][2], latest)

    for index in sorted(range(len(keys)), key=lambda i: (keys[i], i)):
        while stack and not keys[index].startswith(stack[-1][0]):
            close()
        stack.append([keys[index], index, index])
    while stack:
        close()
    # A short key only counts as repeated when the very same paragraph comes again.
    last = {key: index for index, key in enumerate(keys)}
    return [repeated[index] or last[key] > index for index, key in enumerate(keys)]


def _drop_repeated(paragraphs: list[str]) -> list[str]:
    """Drop a paragraph that reappears later, whole or as its opening (a standfirst repeating
    a paragraph of the article): the later one is kept, so that a quote occurs once."""
    keys = [_key(paragraph).rstrip(".!?…") for paragraph in paragraphs]
    repeated = _repeated_later(keys)
    return [paragraph for paragraph, key, again in zip(paragraphs, keys, repeated, strict=True) if not key or not again]


def clean_plain_text(raw: str, *, title: str = "") -> CleanedText:
    """Clean a saved article: the body without header, furniture or Markdown, and the header.

    ``title``, when the caller knows it, is removed wherever it is repeated as a line; without
    it, the first short line that does not end a sentence is taken as the title.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    lines, url = _take_url(text.split("\n"))
    lines = strip_boilerplate_lines(lines)

    unwrapped: list[tuple[str, bool]] = [unwrap_markdown(line) for line in lines]
    result = CleanedText(body="", title=title.strip(), url=url)
    title_key = _key(result.title) if result.title else ""

    body_lines: list[str] = []
    header_seen = 0
    for line, is_heading in unwrapped:
        stripped = line.strip()
        if not stripped:
            body_lines.append("")
            continue
        in_header = header_seen < HEADER_LINES
        header_seen += 1
        if title_key and _key(stripped) == title_key:
            continue
        if in_header and not title_key and _looks_like_title(stripped, is_heading):
            result.title, title_key = stripped, _key(stripped)
            continue
        if in_header and len(stripped) <= BYLINE_MAX_LENGTH:
            byline = _BYLINE.match(stripped)
            if byline and not result.authors:
                result.authors = _split_authors(byline["names"])
                result.published_on = result.published_on or date_in_text(byline["rest"] or "")
                continue
            if is_date_line(stripped):
                result.published_on = result.published_on or date_in_text(stripped)
                continue
        body_lines.append(line)

    paragraphs = _rejoin_broken(_drop_repeated(_paragraphs(body_lines)))
    result.body = "\n\n".join(paragraphs)
    if not result.body and result.title and not title:
        # A single short line: it is the text, not the title of an empty article.
        result.body = result.title
    return result


def _looks_like_title(line: str, is_heading: bool) -> bool:
    if is_heading:
        return True
    return len(line) <= TITLE_MAX_LENGTH and not line.endswith((".", "!", "?", ":", ";", ","))
