"""What a download of a document's original says about itself (API and admin alike)."""

from __future__ import annotations

import re

from apps.documents.models import Document

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif"}


def download_name(document: Document) -> str:
    """A file name from the title (letters, digits, dashes), with the extension of its type."""
    stem = re.sub(r"[^\w.-]+", "-", document.title, flags=re.UNICODE).strip("-.")[:80] or "document"
    return f"{stem}.{EXTENSIONS[document.content_type]}"


def attachment_headers(document: Document) -> dict[str, str]:
    from django.utils.http import content_disposition_header

    return {
        "Content-Disposition": content_disposition_header(True, download_name(document)),
        "X-Content-Type-Options": "nosniff",
        # Kept as uploaded: the hash lets a recipient check the copy without asking us.
        "Digest": f"sha-256={document.sha256}",
        "Cache-Control": "private, no-store",
    }
