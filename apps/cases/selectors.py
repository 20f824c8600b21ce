"""Reads of cases and their timelines, scoped to what ``user`` may see.

Every API list and detail goes through these functions: organization scoping (who may see
which case) is decided here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.access.scoping import scoped
from apps.agreements.models import Agreement
from apps.cases.models import Case, Fact
from apps.core.partial_dates import PartialDate
from apps.people.models import Individual
from apps.people.selectors import name_matches
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Citation


def case_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases with what a list row shows: subjects, organization, caseworkers."""
    return scoped(
        Case.objects.select_related("organization").prefetch_related(
            Prefetch("subjects", queryset=Individual.objects.only("id", "public_id", "pseudonym")),
            "caseworkers",
        ),
        user,
    )


def case_detail_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases with everything the detail view shows: subjects, proceedings, agreements invoked."""
    return case_list(user=user).prefetch_related(
        Prefetch("subjects", queryset=Individual.objects.all(), to_attr="subject_list"),
        Prefetch(
            "proceedings",
            queryset=Proceeding.objects.select_related("authority", "subject", "appeal_of"),
            to_attr="proceeding_list",
        ),
        Prefetch("proceeding_list__agreements", queryset=Agreement.objects.all()),
    )


def case_search(*, queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases whose reference or title, or a subject's pseudonym or alias (any script), contains ``text``."""
    text = text.strip()
    if not text:
        return queryset
    subject_match = Individual.objects.filter(cases=OuterRef("pk")).filter(name_matches(text=text))
    return queryset.filter(Q(reference__icontains=text) | Q(title__icontains=text) | Q(Exists(subject_match)))


def fact_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Fact]:
    """Facts with their case, citations (and their articles) and contradicting facts."""
    return scoped(_facts_with_sources(), user)


def _facts_with_sources() -> QuerySet[Fact]:
    return Fact.objects.select_related("case").prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("article__outlet")),
        Prefetch("contradicts", queryset=Fact.objects.only("id", "public_id")),
    )


@dataclass
class TimelineEntry:
    type: str  # "fact", "proceeding_event" or "agreement_milestone"
    date: PartialDate | None
    id: object
    summary: str
    fact: Fact | None = None
    event: ProceedingEvent | None = None
    agreement: Agreement | None = None
    milestone: str | None = None
    citations: list = field(default_factory=list)

    @property
    def sort_key(self):
        # Undated entries last; partial dates by their start, the wider period first.
        order = ("fact", "proceeding_event", "agreement_milestone").index(self.type)
        if self.date is None:
            return (1, (), order)
        return (0, self.date.sort_key(), order)


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """The case's facts, proceeding events and the milestones of the agreements its
    proceedings invoke, in date order. Four queries, whatever the size of the case."""
    facts = _facts_with_sources().filter(case=case)
    events = ProceedingEvent.objects.filter(proceeding__case=case).select_related("proceeding")
    agreements = Agreement.objects.filter(Exists(Proceeding.agreements.through.objects.filter(
        agreement=OuterRef("pk"), proceeding__case=case
    )))
    entries = [
        TimelineEntry(type="fact", date=fact.date, id=fact.public_id, summary=fact.statement, fact=fact,
                      citations=list(fact.citations.all()))
        for fact in facts
    ]
    entries += [
        TimelineEntry(
            type="proceeding_event",
            date=event.date,
            id=event.public_id,
            summary=f"{event.get_kind_display()} — {event.proceeding.get_kind_display()}"
            + (f": {event.description}" if event.description else ""),
            event=event,
        )
        for event in events
    ]
    entries += [
        TimelineEntry(
            type="agreement_milestone",
            date=date,
            id=agreement.public_id,
            summary=f"{agreement} {label}",
            agreement=agreement,
            milestone=label,
        )
        for agreement in agreements
        for label, date in agreement.milestones()
    ]
    return sorted(entries, key=lambda entry: entry.sort_key)
