"""The sections of a subject access document (apps/people/subject_access.py) about records above
``people``: the person's cases, the proceedings, facts and quotes of those cases that name them,
and the access-log entries about them. Registered here, in the one app that knows every other.

What "names them" means, so that the document is neither short nor someone else's:
- a proceeding whose subject they are, or one without a subject in a case of theirs (it is
  then about the case's subjects as a whole);
- a fact of one of their cases when they are its only subject, or whose statement names them
  (their pseudonym or an alias, in any case of letters);
- a quote supporting one of those facts or proceedings.
Each is read through the lists' own scoped selectors: only what the user may see.
"""

from __future__ import annotations

from django.db.models import Count, Q

from apps.access.models import AccessLog
from apps.cases.selectors import case_list, fact_list
from apps.core.api.fields import partial_date_json
from apps.core.scoping import visible
from apps.people.models import Individual, ProtectedIdentity
from apps.people.subject_access import section_register
from apps.proceedings.selectors import proceeding_list
from apps.sources.selectors import citation_list


def _cases(*, individual: Individual, user):
    return case_list(user=user).filter(subjects=individual)


def cases_section(*, individual: Individual, user) -> list[dict]:
    return [
        {
            "reference": case.reference,
            "title": case.title,
            "organization": case.organization.name,
            "status": case.status,
            "opened_on": case.opened_on.isoformat() if case.opened_on else None,
            "closed_on": case.closed_on.isoformat() if case.closed_on else None,
            "other_subjects": sorted(str(s.public_id) for s in case.subjects.all() if s.pk != individual.pk),
            "version": case.version,
        }
        for case in _cases(individual=individual, user=user).order_by("opened_on", "reference")
    ]


def _proceedings(*, individual: Individual, user):
    cases = _cases(individual=individual, user=user).values("pk")
    return (
        proceeding_list(user=user)
        .filter(case__in=cases)
        .filter(Q(subject=individual) | Q(subject__isnull=True))
        .order_by("case__reference", "filed_start", "created_at")
    )


def proceedings_section(*, individual: Individual, user) -> list[dict]:
    return [
        {
            "id": str(proceeding.public_id),
            "case": proceeding.case.reference,
            "kind": proceeding.kind,
            "authority": proceeding.authority.name if proceeding.authority_id else None,
            "reference_number": proceeding.reference_number,
            "filed": partial_date_json(proceeding.filed),
            "decided": partial_date_json(proceeding.decided),
            "status": proceeding.status,
            "outcome": proceeding.outcome,
            "summary": proceeding.summary,
            "events": [
                {"kind": event.kind, "date": partial_date_json(event.date), "description": event.description}
                for event in proceeding.events.all()
            ],
            "version": proceeding.version,
        }
        for proceeding in _proceedings(individual=individual, user=user)
    ]


def _facts(*, individual: Individual, user):
    # Counted on the link table: counted on the cases, the filter by this subject would leave
    # one subject per case to count.
    cases = list(_cases(individual=individual, user=user).values_list("pk", flat=True))
    totals = dict(
        Individual.cases.through.objects.filter(case_id__in=cases)
        .values("case_id")
        .annotate(total=Count("individual_id"))
        .values_list("case_id", "total")
    )
    alone = [pk for pk, total in totals.items() if total == 1]
    named = Q()
    for name in filter(None, [individual.pseudonym, *individual.aliases.values_list("name", flat=True)]):
        named |= Q(statement__icontains=name)
    return (
        fact_list(user=user)
        .filter(case__in=list(totals))
        .filter(Q(case__in=alone) | named)
        .order_by("case__reference", "date_start", "created_at")
    )


def facts_section(*, individual: Individual, user) -> list[dict]:
    return [
        {
            "id": str(fact.public_id),
            "case": fact.case.reference,
            "date": partial_date_json(fact.date),
            "statement": fact.statement,
            "disputed": fact.disputed,
            "internal": fact.internal,
            "version": fact.version,
        }
        for fact in _facts(individual=individual, user=user)
    ]


def citations_section(*, individual: Individual, user) -> list[dict]:
    facts = _facts(individual=individual, user=user).values("pk")
    proceedings = _proceedings(individual=individual, user=user).values("pk")
    citations = citation_list(user=user).filter(Q(fact__in=facts) | Q(proceeding__in=proceedings))
    return [
        {
            "id": str(citation.public_id),
            "quote": citation.quote,
            "fact": str(citation.fact.public_id) if citation.fact_id else None,
            "proceeding": str(citation.proceeding.public_id) if citation.proceeding_id else None,
            "article": {
                "id": str(citation.article.public_id),
                "title": citation.article.title,
                "outlet": citation.article.outlet.name if citation.article.outlet_id else None,
                "published_on": citation.article.published_on.isoformat()
                if citation.article.published_on
                else None,
                "url": citation.article.url,
            },
        }
        for citation in citations.order_by("created_at", "id")
    ]


def access_log_section(*, individual: Individual, user) -> list[dict]:
    """Who read or exported this person's records, as far as the user may read the log."""
    identities = ProtectedIdentity.objects.filter(individual=individual).values_list("pk", flat=True)
    about = Q(object_type="people.individual", object_id=str(individual.pk)) | Q(
        object_type="people.protectedidentity", object_id__in=[str(pk) for pk in identities]
    )
    return [
        {
            "at": entry.at.isoformat(),
            "user": entry.username,
            "action": entry.action,
            "record": entry.object_type,
            "detail": entry.detail,
        }
        for entry in visible(AccessLog, user).filter(about).order_by("at", "id")
    ]


section_register("cases", cases_section)
section_register("proceedings", proceedings_section)
section_register("facts", facts_section)
section_register("citations", citations_section)
section_register("access_log", access_log_section)
