"""The case file's reads in the API, from rows: the case list, a case, its timeline.

``CaseSerializer`` and ``CaseDetailSerializer`` (and ``TimelineEntrySerializer``) stay the
documented shape and the write path; these functions give the same JSON for a read without a
model instance or a DRF field object per row (apps.core.api.representations). A test
compares the two for the seeds and a factory world (tests/api/test_representations.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.agreements.models import Agreement
from apps.cases.models import Case, Fact
from apps.core.api.fields import partial_date_json
from apps.core.api.representations import (
    appeal_chain,
    country_code,
    date_text,
    datetime_text,
    display,
    grouped,
    partial_date,
    partial_date_columns,
    uuid_text,
)
from apps.people.models import Individual
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.representations import citations_by
from apps.sources.selectors import date_readings_grouped, date_readings_prefetch
from apps.sources.serializers import DateReadingInlineSerializer

CASE_COLUMNS = (
    "pk",
    "public_id",
    "reference",
    "title",
    "organization__public_id",
    "status",
    "closed_reason",
    "priority",
    "opened_on",
    "closed_on",
    "summary",
    "created_at",
    "updated_at",
)


def case_rows(queryset: QuerySet[Case]) -> QuerySet:
    """``queryset`` (filtered and ordered) as the rows the case list shows."""
    return queryset.prefetch_related(None).values(*CASE_COLUMNS)


def _case_json(row, *, subjects, caseworkers) -> dict:
    return {
        "id": uuid_text(row["public_id"]),
        "reference": row["reference"],
        "title": row["title"],
        "subjects": subjects,
        "organization": uuid_text(row["organization__public_id"]),
        "caseworkers": caseworkers,
        "status": row["status"],
        "closed_reason": row["closed_reason"],
        "priority": row["priority"],
        "opened_on": date_text(row["opened_on"]),
        "closed_on": date_text(row["closed_on"]),
        "summary": row["summary"],
        "created_at": datetime_text(row["created_at"]),
        "updated_at": datetime_text(row["updated_at"]),
    }


def caseworker_names(case_ids) -> dict[int, list[str]]:
    """The usernames of the cases' caseworkers, by case id, in username order. One query."""
    through = Case.caseworkers.through
    user_field = get_user_model().USERNAME_FIELD
    rows = (
        through.objects.filter(case_id__in=case_ids)
        .order_by(f"user__{user_field}")
        .values_list("case_id", f"user__{user_field}")
    )
    return grouped(rows)


def cases_json(rows) -> list[dict]:
    """The case list's page: each row with its subjects' ids and its caseworkers. Two queries."""
    rows = list(rows)
    ids = [row["pk"] for row in rows]
    subjects = grouped(
        Case.subjects.through.objects.filter(case_id__in=ids)
        .order_by(*(f"individual__{name}" for name in Individual._meta.ordering))
        .values_list("case_id", "individual__public_id")
    )
    names = caseworker_names(ids)
    return [
        _case_json(
            row,
            subjects=[str(public_id) for public_id in subjects.get(row["pk"], [])],
            caseworkers=names.get(row["pk"], []),
        )
        for row in rows
    ]


PROCEEDING_COLUMNS = (
    "pk",
    "public_id",
    "kind",
    "authority__public_id",
    "authority__name",
    "authority__short_name",
    "subject__public_id",
    "country",
    *partial_date_columns("filed"),
    *partial_date_columns("decided"),
    "status",
    "outcome",
    "appeal_of_id",
    "appeal_of__public_id",
)


def case_detail_json(case: Case) -> dict:
    """A case with its subjects, proceedings (with appeal chains) and the agreements invoked,
    as ``CaseDetailSerializer`` reads it. ``case`` comes with its organization; four queries."""
    row = {
        "public_id": case.public_id,
        "reference": case.reference,
        "title": case.title,
        "organization__public_id": case.organization.public_id,
        "status": case.status,
        "closed_reason": case.closed_reason,
        "priority": case.priority,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "summary": case.summary,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }
    subjects = [
        {
            "id": uuid_text(subject["public_id"]),
            "pseudonym": subject["pseudonym"],
            "nationality": country_code(subject["nationality"]),
            "status": subject["status"],
        }
        for subject in Individual.objects.filter(cases=case).values(
            "public_id", "pseudonym", "nationality", "status"
        )
    ]
    data = _case_json(row, subjects=subjects, caseworkers=caseworker_names([case.pk]).get(case.pk, []))
    proceedings = list(Proceeding.objects.filter(case=case).values(*PROCEEDING_COLUMNS))
    by_pk = {p["pk"]: (str(p["public_id"]), p["appeal_of_id"]) for p in proceedings}
    data["proceedings"] = [
        {
            "id": uuid_text(p["public_id"]),
            "kind": p["kind"],
            "authority": {
                "id": uuid_text(p["authority__public_id"]),
                "name": p["authority__name"],
                "short_name": p["authority__short_name"],
            },
            "subject": uuid_text(p["subject__public_id"]),
            "country": p["country"],
            "filed": partial_date_json(partial_date(p, "filed")),
            "decided": partial_date_json(partial_date(p, "decided")),
            "status": p["status"],
            "outcome": p["outcome"],
            "appeal_of": uuid_text(p["appeal_of__public_id"]),
            "appeal_chain": appeal_chain(p["appeal_of_id"], by_pk),
        }
        for p in proceedings
    ]
    invoked = grouped(
        (row["proceeding_id"], row)
        for row in Proceeding.agreements.through.objects.filter(proceeding_id__in=list(by_pk))
        .order_by(*(f"agreement__{name}" for name in Agreement._meta.ordering))
        .values(
            "proceeding_id",
            "agreement_id",
            "agreement__public_id",
            "agreement__title",
            "agreement__short_title",
            "agreement__kind",
            "agreement__status",
        )
    )
    agreements = {}
    for p in proceedings:  # each agreement once, then by title (ties: the first proceeding's first)
        for agreement in invoked.get(p["pk"], []):
            agreements[agreement["agreement_id"]] = agreement
    data["agreements_invoked"] = [
        {
            "id": uuid_text(a["agreement__public_id"]),
            "title": a["agreement__title"],
            "short_title": a["agreement__short_title"],
            "kind": a["agreement__kind"],
            "status": a["agreement__status"],
        }
        for a in sorted(agreements.values(), key=lambda a: a["agreement__title"])
    ]
    return data


def _timeline_entry(kind, date, public_id, summary, **rest) -> tuple:
    order = ("fact", "proceeding_event", "agreement_milestone").index(kind)
    key = (1, (), order) if date is None else (0, date.sort_key(), order)
    entry = {
        "type": kind,
        "date": partial_date_json(date),
        "id": uuid_text(public_id),
        "summary": summary,
        "disputed": None,
        "internal": None,
        "proceeding": None,
        "event_kind": None,
        "agreement": None,
        "milestone": None,
        "citations": [],
        "readings": [],
    }
    entry.update(rest)
    return key, entry


def case_timeline_json(case: Case) -> list[dict]:
    """The case's timeline as ``TimelineEntrySerializer`` reads ``case_timeline``: facts with
    their quotes, proceeding events, the agreements' milestones with their readings, in date
    order (the same order: the same sort key over the same rows). Five queries (six when a milestone has readings with quotes)."""
    facts = list(
        Fact.objects.filter(case=case).values(
            "pk", "public_id", *partial_date_columns("date"), "statement", "disputed", "internal"
        )
    )
    quotes = citations_by("fact", Q(fact__case=case))
    entries = [
        _timeline_entry(
            "fact",
            partial_date(fact, "date"),
            fact["public_id"],
            fact["statement"],
            disputed=fact["disputed"],
            internal=fact["internal"],
            citations=quotes.get(fact["pk"], []),
        )
        for fact in facts
    ]
    events = ProceedingEvent.objects.filter(proceeding__case=case).values(
        "public_id",
        "kind",
        *partial_date_columns("date"),
        "description",
        "proceeding__public_id",
        "proceeding__kind",
    )
    entries += [
        _timeline_entry(
            "proceeding_event",
            partial_date(event, "date"),
            event["public_id"],
            f"{display(ProceedingEvent, 'kind', event['kind'])} — "
            f"{display(Proceeding, 'kind', event['proceeding__kind'])}"
            + (f": {event['description']}" if event["description"] else ""),
            proceeding=uuid_text(event["proceeding__public_id"]),
            event_kind=event["kind"],
        )
        for event in events
    ]
    # Agreements are few: read as records, their readings (with quotes) by the serializer.
    agreements = Agreement.objects.filter(
        Exists(Proceeding.agreements.through.objects.filter(agreement=OuterRef("pk"), proceeding__case=case))
    ).prefetch_related(date_readings_prefetch())
    for agreement in agreements:
        readings = date_readings_grouped(agreement.date_readings.all())
        for label, date in agreement.milestones():
            reading = readings.get(label.replace(" ", "_"), {"disputed": False, "readings": []})
            entries.append(
                _timeline_entry(
                    "agreement_milestone",
                    date,
                    agreement.public_id,
                    f"{agreement} {label}",
                    disputed=reading["disputed"],
                    agreement=uuid_text(agreement.public_id),
                    milestone=label,
                    readings=DateReadingInlineSerializer(reading["readings"], many=True).data,
                )
            )
    entries.sort(key=lambda pair: pair[0])
    return [entry for _key, entry in entries]
