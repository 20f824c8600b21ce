"""The proceedings list as the API reads it, from rows (apps.core.api.representations).

``ProceedingSerializer`` stays the documented shape and the write path; this gives the same
JSON for a page of the list. tests/api/test_representations.py compares the two.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.agreements.models import Agreement, Provision
from apps.core.api.representations import (
    appeal_chain,
    country_code,
    datetime_text,
    grouped,
    partial_date_columns,
    partial_date_value,
    uuid_text,
)
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.representations import citations_by
from apps.sources.selectors import date_readings_grouped, date_readings_prefetch
from apps.sources.serializers import DateReadingInlineSerializer

PROCEEDING_COLUMNS = (
    "pk",
    "public_id",
    "case_id",
    "case__reference",
    "subject__public_id",
    "kind",
    "authority__public_id",
    "authority__name",
    "country",
    "reference_number",
    *partial_date_columns("filed"),
    *partial_date_columns("decided"),
    "status",
    "outcome",
    "appeal_of_id",
    "appeal_of__public_id",
    "summary",
    "created_at",
    "updated_at",
)


def proceeding_rows(queryset: QuerySet[Proceeding]) -> QuerySet:
    """``queryset`` (filtered and ordered) as the rows the list shows."""
    return queryset.prefetch_related(None).select_related(None).values(*PROCEEDING_COLUMNS)


def _ordered(prefix: str, model) -> list[str]:
    return [f"{prefix}__{name}" for name in model._meta.ordering]


def proceedings_json(rows) -> list[dict]:
    """A page of proceedings with their legal basis, events, quotes, readings and appeal
    chains: seven queries (eight when a reading has quotes), whatever the number of rows."""
    rows = list(rows)
    ids = [row["pk"] for row in rows]
    agreements = grouped(
        Proceeding.agreements.through.objects.filter(proceeding_id__in=ids)
        .order_by(*_ordered("agreement", Agreement))
        .values_list("proceeding_id", "agreement__public_id")
    )
    provisions = grouped(
        Proceeding.provisions.through.objects.filter(proceeding_id__in=ids)
        .order_by(*_ordered("provision", Provision))
        .values_list("proceeding_id", "provision__public_id")
    )
    events = grouped(
        (
            event["proceeding_id"],
            {
                "id": uuid_text(event["public_id"]),
                "kind": event["kind"],
                "date": partial_date_value(event, "date"),
                "description": event["description"],
            },
        )
        for event in ProceedingEvent.objects.filter(proceeding_id__in=ids).values(
            "proceeding_id", "public_id", "kind", *partial_date_columns("date"), "description"
        )
    )
    appeals = grouped(
        Proceeding.objects.filter(appeal_of_id__in=ids).values_list("appeal_of_id", "public_id")
    )
    quotes = citations_by("proceeding", Q(proceeding_id__in=ids))
    # Readings are few: read as records and shown by their serializer, as the serializer does.
    readings = grouped(
        (reading.proceeding_id, reading)
        for reading in date_readings_prefetch().queryset.filter(proceeding_id__in=ids)
    )
    siblings = {
        pk: (str(public_id), appeal_of_id)
        for pk, public_id, appeal_of_id in Proceeding.objects.filter(
            case_id__in={row["case_id"] for row in rows}
        ).values_list("pk", "public_id", "appeal_of_id")
    }
    return [
        {
            "id": uuid_text(row["public_id"]),
            "case": row["case__reference"],
            "subject": uuid_text(row["subject__public_id"]),
            "kind": row["kind"],
            "authority": uuid_text(row["authority__public_id"]),
            "authority_name": row["authority__name"],
            "country": country_code(row["country"]),
            "reference_number": row["reference_number"],
            "filed": partial_date_value(row, "filed"),
            "decided": partial_date_value(row, "decided"),
            "date_readings": {
                name: {
                    "disputed": entry["disputed"],
                    "readings": DateReadingInlineSerializer(entry["readings"], many=True).data,
                }
                for name, entry in date_readings_grouped(readings.get(row["pk"], [])).items()
            },
            "status": row["status"],
            "outcome": row["outcome"],
            "appeal_of": uuid_text(row["appeal_of__public_id"]),
            "appeal_chain": appeal_chain(row["appeal_of_id"], siblings),
            "appeals": [str(public_id) for public_id in appeals.get(row["pk"], [])],
            "agreements": [str(public_id) for public_id in agreements.get(row["pk"], [])],
            "provisions": [str(public_id) for public_id in provisions.get(row["pk"], [])],
            "summary": row["summary"],
            "events": events.get(row["pk"], []),
            "citations": quotes.get(row["pk"], []),
            "created_at": datetime_text(row["created_at"]),
            "updated_at": datetime_text(row["updated_at"]),
        }
        for row in rows
    ]
