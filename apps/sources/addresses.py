"""The canonical form of an article's address, and the other spellings of the same address.

Two copies of one article may carry its address with a different scheme, ``www.``, trailing
slash, fragment or tracking parameters; both must be recognised as the same source. AMP and
mobile copies of a page (Google's AMP cache, ``amp.``/``m.`` hosts, ``/amp`` paths,
``?amp=1``) are the same article too: the canonical address is the desktop page's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a reader came from: the same article either way.
TRACKING_PARAMETERS = re.compile(r"^(?:utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|ref|src|from)$", re.I)
# Query parameters that ask for the AMP rendering of the same page.
AMP_PARAMETERS = re.compile(r"^(?:amp|_amp|outputtype|output)$", re.I)
AMP_VALUES = {"", "1", "true", "amp", "yes"}
# Host prefixes of a site's mobile or AMP copy (m.meduza.io, amp.theguardian.com).
COPY_HOST_PREFIXES = ("amp.", "m.", "mobile.")
# Caches that serve another site's page under their own address: the page's own address is
# inside theirs. Google's AMP cache: https://www-bbc-com.cdn.ampproject.org/c/s/www.bbc.com/…;
# Google's AMP viewer: https://www.google.com/amp/s/www.bbc.com/….
_AMP_CACHE_PATH = re.compile(r"^/(?:[cvi]/)?(?:(?P<secure>s)/)?(?P<rest>[^/]+\..+)$")


def _unwrap_amp_cache(parts):
    """The page's own address when ``parts`` is an AMP cache or viewer address, else None."""
    host = parts.netloc.lower()
    if host.endswith(".cdn.ampproject.org"):
        path = parts.path
    elif host in ("www.google.com", "google.com") and parts.path.startswith("/amp/"):
        path = parts.path.removeprefix("/amp")
    else:
        return None
    match = _AMP_CACHE_PATH.match(path)
    if not match:
        return None
    scheme = "https" if match["secure"] or host.endswith(".cdn.ampproject.org") else "http"
    return urlsplit(f"{scheme}://{match['rest']}" + (f"?{parts.query}" if parts.query else ""))


def _without_copy_prefix(host: str) -> str:
    for prefix in COPY_HOST_PREFIXES:
        # m.bbc.com → bbc.com, but never down to a bare top-level domain (m.io stays).
        if host.startswith(prefix) and host.count(".") >= 2:
            return host.removeprefix(prefix)
    return host


def _without_amp_path(path: str) -> str:
    # /news/world-35441150/amp → /news/world-35441150; /amp/news/… → /news/…;
    # /article.amp.html → /article.html; /article.amp → /article.
    path = re.sub(r"/amp/?$", "", path) or "/"
    path = re.sub(r"^/amp(?=/)", "", path)
    path = re.sub(r"\.amp(?=\.html?$|$)", "", path)
    return path


def is_copy_address(url: str) -> bool:
    """Whether ``url`` is an AMP or mobile copy of a page rather than the page itself."""
    return bool(url) and canonical_url(url) != canonical_url(url, keep_copies=True)


def site_domain(url_or_host: str) -> str:
    """The site an address belongs to, as the outlet registry writes it: lower case, no port,
    no ``www.`` and no mobile or AMP prefix, international names in their ASCII (IDNA) form."""
    value = (url_or_host or "").strip()
    host = urlsplit(canonical_url(value)).netloc if "//" in value else value.split("/", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return _without_copy_prefix(host.removeprefix("www.")).removeprefix("www.")


def canonical_url(url: str, *, keep_copies: bool = False) -> str:
    """The address without what does not change the article: fragment, tracking parameters,
    default port and host case, and (unless ``keep_copies``) the marks of an AMP or mobile
    copy. The path is kept as given otherwise (some sites tell "/a" from "/a/");
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
    scheme, path = parts.scheme.lower(), parts.path
    host = parts.netloc.lower().removesuffix(":80").removesuffix(":443")
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMETERS.match(k)]
    if not keep_copies:
        unwrapped = _unwrap_amp_cache(parts)
        if unwrapped is not None and unwrapped.netloc:
            return canonical_url(urlunsplit(unwrapped))
        host = _without_copy_prefix(host)
        path = _without_amp_path(path)
        pairs = [(k, v) for k, v in pairs if not (AMP_PARAMETERS.match(k) and v.lower() in AMP_VALUES)]
    return urlunsplit((scheme, host, path, urlencode(pairs), ""))


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
