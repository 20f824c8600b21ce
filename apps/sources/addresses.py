"""The canonical form of an article's address, and the other spellings of the same address.

Two copies of one article may carry its address with a different scheme, ``www.``, trailing
slash, fragment or tracking parameters; both must be recognised as the same source.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a reader came from: the same article either way.
TRACKING_PARAMETERS = re.compile(r"^(?:utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|ref|src|from)$", re.I)


def canonical_url(url: str) -> str:
    """The address without what does not change the article: fragment, tracking parameters,
    default port and host case. The path is kept as given (some sites tell "/a" from "/a/");
    :func:`url_variants` finds the other spellings when looking for duplicates."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.lower().removesuffix(":80").removesuffix(":443")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMETERS.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path, query, ""))


def url_variants(url: str) -> set[str]:
    """Spellings of one canonical address that a stored article may carry."""
    canonical = canonical_url(url)
    if not canonical.startswith(("http://", "https://")):
        return {canonical} if canonical else set()
    variants = set()
    parts = urlsplit(canonical)
    hosts = {parts.netloc, parts.netloc.removeprefix("www."), "www." + parts.netloc.removeprefix("www.")}
    for scheme in ("http", "https"):
        for host in hosts:
            bare = parts.path.rstrip("/")
            for path in {bare, bare + "/"}:
                variants.add(urlunsplit((scheme, host, path, parts.query, "")))
    variants.add(url.strip())
    return variants
