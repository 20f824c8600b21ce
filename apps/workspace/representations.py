"""The case file's reads in the API, from rows: the case list, a case, its timeline.

``CaseSerializer`` and ``CaseDetailSerializer`` (and ``TimelineEntrySerializer``) stay the
documented shape and the write path; these functions give the same JSON for a read without a
model instance or a DRF field object per row (apps.core.api.representations). A test
compares the two for the seeds and a factory world (tests/api/test_representations.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models import Exists, OuterRef, QuerySet, prefetch_related_objects

from apps.agreements.models import Agreement
from apps.cases.models import Case, Fact
from apps.cases.selectors import CASE_COLUMNS
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
from apps.core.prepared import PreparedRead
from apps.people.models import Individual
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Citation
from apps.sources.representations import CITATION_COLUMNS, citation_json
from apps.sources.selectors import date_readings_grouped, date_readings_prefetch
from apps.sources.serializers import DateReadingInlineSerializer


def case_rows(queryset: QuerySet[Case]) -> QuerySet:
    """``queryset`` (filtered and ordered) as the rows the case list shows."""
    return queryset.prefetch_related(None).values(*(name for name in CASE_COLUMNS if name != "version"))


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


# The case file's reads, compiled once per process (apps.core.prepared): each is a few
# columns of one case's rows, and compiling them was most of a detail or timeline request.
_SUBJECTS = PreparedRead(
    lambda case_id: Individual.objects.filter(cases=case_id).values(
        "public_id", "pseudonym", "nationality", "status"
    ),
    case_id=int,
)
_CASEWORKERS = PreparedRead(
    lambda case_id: Case.caseworkers.through.objects.filter(case_id=case_id)
    .order_by(f"user__{get_user_model().USERNAME_FIELD}")
    .values(f"user__{get_user_model().USERNAME_FIELD}"),
    case_id=int,
)
_PROCEEDINGS = PreparedRead(
    lambda case_id: Proceeding.objects.filter(case_id=case_id).values(*PROCEEDING_COLUMNS), case_id=int
)
_AGREEMENTS_INVOKED = PreparedRead(
    lambda case_id: Proceeding.agreements.through.objects.filter(proceeding__case_id=case_id)
    .order_by(*(f"agreement__{name}" for name in Agreement._meta.ordering))
    .values(
        "proceeding_id",
        "agreement_id",
        "agreement__public_id",
        "agreement__title",
        "agreement__short_title",
        "agreement__kind",
        "agreement__status",
    ),
    case_id=int,
)


def case_detail_json(row: dict) -> dict:
    """A case with its subjects, proceedings (with appeal chains) and the agreements invoked,
    as ``CaseDetailSerializer`` reads it. ``row`` is the case's row
    (apps.cases.selectors.visible_case_row); four queries."""
    case_id = row["pk"]
    subjects = [
        {
            "id": uuid_text(subject["public_id"]),
            "pseudonym": subject["pseudonym"],
            "nationality": country_code(subject["nationality"]),
            "status": subject["status"],
        }
        for subject in _SUBJECTS.rows(case_id=case_id)
    ]
    username = f"user__{get_user_model().USERNAME_FIELD}"
    caseworkers = [worker[username] for worker in _CASEWORKERS.rows(case_id=case_id)]
    data = _case_json(row, subjects=subjects, caseworkers=caseworkers)
    proceedings = _PROCEEDINGS.rows(case_id=case_id)
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
    invoked = grouped((row["proceeding_id"], row) for row in _AGREEMENTS_INVOKED.rows(case_id=case_id))
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


_FACTS = PreparedRead(
    lambda case_id: Fact.objects.filter(case_id=case_id).values(
        "pk", "public_id", *partial_date_columns("date"), "statement", "disputed", "internal"
    ),
    case_id=int,
)
# The quotes in the order a prefetch of a fact's ``citations`` gives them (the model's ordering).
_FACT_QUOTES = PreparedRead(
    lambda case_id: Citation.objects.filter(fact__case_id=case_id).values("fact_id", *CITATION_COLUMNS),
    case_id=int,
)
_EVENTS = PreparedRead(
    lambda case_id: ProceedingEvent.objects.filter(proceeding__case_id=case_id).values(
        "public_id",
        "kind",
        *partial_date_columns("date"),
        "description",
        "proceeding__public_id",
        "proceeding__kind",
    ),
    case_id=int,
)
_AGREEMENT_FIELDS = [field.attname for field in Agreement._meta.concrete_fields]
_AGREEMENTS = PreparedRead(
    lambda case_id: Agreement.objects.filter(
        Exists(
            Proceeding.agreements.through.objects.filter(
                agreement=OuterRef("pk"), proceeding__case_id=case_id
            )
        )
    ).values(*_AGREEMENT_FIELDS),
    case_id=int,
)


def case_timeline_json(case_id: int) -> list[dict]:
    """The timeline of the case ``case_id`` as ``TimelineEntrySerializer`` reads ``case_timeline``:
    facts with their quotes, proceeding events, the agreements' milestones with their readings,
    in date order (the same order: the same sort key over the same rows). Four queries (six
    when the case's proceedings invoke agreements, whose readings and quotes come next)."""
    quotes = grouped((row["fact_id"], citation_json(row)) for row in _FACT_QUOTES.rows(case_id=case_id))
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
        for fact in _FACTS.rows(case_id=case_id)
    ]
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
        for event in _EVENTS.rows(case_id=case_id)
    ]
    # Agreements are few: made records (their milestones are the model's), their readings (with
    # quotes) read by a prefetch and shown by the serializer.
    alias = router.db_for_read(Agreement)
    agreements = [
        Agreement.from_db(alias, _AGREEMENT_FIELDS, [row[name] for name in _AGREEMENT_FIELDS])
        for row in _AGREEMENTS.rows(case_id=case_id)
    ]
    prefetch_related_objects(agreements, date_readings_prefetch())
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
