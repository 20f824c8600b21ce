"""Quotes as the API reads them, from rows (apps.core.api.representations explains why).

The same JSON as ``CitationInlineSerializer`` gives for a read; tests/api/test_representations.py
compares the two.
"""

from __future__ import annotations

from django.db.models import Q

from apps.core.api.representations import date_text, grouped, uuid_text
from apps.sources.models import Citation

CITATION_COLUMNS = (
    "public_id",
    "article__public_id",
    "quote",
    "start",
    "end",
    "note",
    "article__title",
    "article__outlet__name",
    "article__published_on",
    "article__url",
    # A quote may come from a case's document instead of an article (apps.documents).
    "document__public_id",
    "document__title",
    "document__sha256",
)


def citation_json(row) -> dict:
    return {
        "id": uuid_text(row["public_id"]),
        "article": uuid_text(row["article__public_id"]),
        "document": uuid_text(row["document__public_id"]),
        "quote": row["quote"],
        "start": row["start"],
        "end": row["end"],
        "note": row["note"],
        "article_title": row["article__title"],
        "outlet": row["article__outlet__name"],
        "published_on": date_text(row["article__published_on"]),
        "url": row["article__url"],
        "document_title": row["document__title"],
        "document_sha256": row["document__sha256"],
    }


def citations_by(owner: str, condition: Q) -> dict[int, list[dict]]:
    """The quotes of the records ``condition`` selects, by the id of their ``owner`` (``fact``,
    ``proceeding``…), in the order a prefetch of ``citations`` gives them. One query."""
    rows = Citation.objects.filter(condition).values(f"{owner}_id", *CITATION_COLUMNS)
    return grouped((row[f"{owner}_id"], citation_json(row)) for row in rows)
