"""The individuals list as the API reads it, from rows (apps.core.api.representations).

``IndividualSerializer`` stays the documented shape and the write path; a list never shows a
protected identity, so its rows never hold one. tests/api/test_representations.py compares the
two answers.
"""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.api.representations import (
    country_code,
    datetime_text,
    grouped,
    partial_date_columns,
    partial_date_value,
    uuid_text,
)
from apps.people.models import Alias

INDIVIDUAL_COLUMNS = (
    "pk",
    "public_id",
    "pseudonym",
    "nationality",
    *partial_date_columns("born"),
    "status",
    "summary",
    "created_at",
    "updated_at",
)


def individual_rows(queryset: QuerySet) -> QuerySet:
    """``queryset`` (filtered and ordered) as the rows the list shows."""
    return queryset.prefetch_related(None).values(*INDIVIDUAL_COLUMNS)


def individuals_json(rows) -> list[dict]:
    """A page of individuals with their aliases: one query for the aliases."""
    rows = list(rows)
    aliases = grouped(
        (
            alias["individual_id"],
            {
                "id": uuid_text(alias["public_id"]),
                "name": alias["name"],
                "script": alias["script"],
                "transliteration": alias["transliteration"],
                "note": alias["note"],
            },
        )
        for alias in Alias.objects.filter(individual_id__in=[row["pk"] for row in rows]).values(
            "individual_id", "public_id", "name", "script", "transliteration", "note"
        )
    )
    return [
        {
            "id": uuid_text(row["public_id"]),
            "pseudonym": row["pseudonym"],
            "nationality": country_code(row["nationality"]),
            "born": partial_date_value(row, "born"),
            "status": row["status"],
            "summary": row["summary"],
            "aliases": aliases.get(row["pk"], []),
            "created_at": datetime_text(row["created_at"]),
            "updated_at": datetime_text(row["updated_at"]),
        }
        for row in rows
    ]
