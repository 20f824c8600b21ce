"""The dossier as PDF, laid out by WeasyPrint from the same template as the HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from apps.dossiers.renderers.html import render_html

if TYPE_CHECKING:
    from apps.dossiers.renderers.fetcher import DossierURLFetcher

SYSTEM_LIBRARIES_HINT = (
    "PDF dossiers need Pango and the Noto CJK fonts: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"
)


def html_to_pdf(
    html: str, *, identifier: bytes | None = None, fetcher: DossierURLFetcher | None = None
) -> bytes:
    """Lay out ``html`` as PDF, loading nothing but what :class:`DossierURLFetcher` allows.

    The PDF's dates come from the document's ``dcterms.created``/``modified`` meta elements and
    its file identifier from ``identifier``, never from the clock: the same HTML gives the
    same bytes.
    """
    # WeasyPrint loads Pango when imported: importing it here keeps the rest of the service
    # (admin, API, other formats) running on a machine without those libraries.
    try:
        from weasyprint import HTML

        from apps.dossiers.renderers.fetcher import STATIC_DIR, DossierURLFetcher
    except OSError as exc:
        raise ImproperlyConfigured(f"{SYSTEM_LIBRARIES_HINT} ({exc})") from exc
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher or DossierURLFetcher()
    )
    return document.write_pdf(pdf_identifier=identifier)


def render_pdf(content: dict) -> bytes:
    """The dossier as PDF; its file identifier is derived from the content digest (reproducible)."""
    return html_to_pdf(render_html(content, paged=True), identifier=content["cover"]["digest"][:32].encode())
