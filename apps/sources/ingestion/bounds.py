"""Bounds on what the HTML parsers are given, so that no page keeps the importer busy.

libxml2 (under lxml, trafilatura and readability) checks each attribute of a tag against the
others, so a tag with 50,000 attributes took it seconds per parse, and a page is parsed
several times: 53 s for a 0.7 MB page. Deep nesting costs every tree walk too. Before any
parser sees a page, this pass — one regular-expression scan, linear in the page's length —
keeps the first :data:`MAX_ATTRIBUTES` attributes of each tag and flattens elements nested
deeper than :data:`MAX_DEPTH` (their tags are dropped, their text kept). No article needs
more; the page as received is still stored unchanged as the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Real pages: a few dozen attributes on the busiest tag, nesting of 20–60.
MAX_ATTRIBUTES = 64
MAX_DEPTH = 128
# htmldate's "extensive" search runs its date patterns over the whole page text: on a 3 MB
# page that alone took a second. Past this size only the page's metadata (meta tags,
# JSON-LD, the address) give the date.
EXTENSIVE_DATE_SEARCH_MAX_CHARS = 500_000

# A tag up to the next ">" or "<": stopping at "<" as well keeps "<a<a<a…" linear.
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"""\s*[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?""")
# Elements that have no end tag, or whose end tag pages routinely leave out: not counted as
# nesting, else a page of unclosed paragraphs would look deep.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta source track wbr "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rp rt".split()
)


@dataclass
class Bounded:
    html: str
    attributes_dropped: int = 0
    elements_flattened: int = 0


def bound_html(html: str) -> Bounded:
    """The page with at most MAX_ATTRIBUTES attributes a tag and MAX_DEPTH levels of nesting."""
    result = Bounded(html="")
    depth = 0

    def tag(match: re.Match) -> str:
        nonlocal depth
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        nests = name not in _NOT_NESTING and not rest.rstrip().endswith("/")
        if closing:
            if nests:
                depth -= 1
                if depth >= MAX_DEPTH:
                    return ""  # the end of a flattened element
                depth = max(depth, 0)
            return match.group(0)
        if nests:
            depth += 1
            if depth > MAX_DEPTH:
                result.elements_flattened += 1
                return ""
        if len(rest) > 2 * MAX_ATTRIBUTES:  # short tags cannot hold too many attributes
            attributes = _ATTRIBUTE.findall(rest)
            if len(attributes) > MAX_ATTRIBUTES:
                result.attributes_dropped += len(attributes) - MAX_ATTRIBUTES
                return f"<{match.group(2)}{''.join(attributes[:MAX_ATTRIBUTES])}>"
        return match.group(0)

    result.html = _TAG.sub(tag, html)
    return result
