"""The dossier as PDF, laid out by WeasyPrint from the same template as the HTML."""

from __future__ import annotations

from weasyprint import HTML

from apps.dossiers.renderers.fetcher import STATIC_DIR, DossierURLFetcher
from apps.dossiers.renderers.html import render_html


def html_to_pdf(
    html: str, *, identifier: bytes | None = None, fetcher: DossierURLFetcher | None = None
) -> bytes:
    """Lay out ``html`` as PDF, loading nothing but what :class:`DossierURLFetcher` allows.

    The PDF's dates come from the document's ``dcterms.created``/``modified`` meta elements and
    its file identifier from ``identifier``, never from the clock: the same HTML gives the
    same bytes.
    """
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher or DossierURLFetcher()
    )
    return document.write_pdf(pdf_identifier=identifier)


def render_pdf(content: dict) -> bytes:
    return html_to_pdf(render_html(content, paged=True), identifier=content["cover"]["digest"][:32].encode())
