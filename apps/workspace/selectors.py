"""Reads of the case file: a case with its proceedings and agreements, and its timeline.

They span cases, proceedings, agreements and sources, so they live in the top layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from apps.agreements.models import Agreement
from apps.cases.models import Case, Fact
from apps.cases.selectors import caseworkers, facts_with_sources
from apps.core.partial_dates import PartialDate
from apps.core.scoping import scoped
from apps.people.models import Individual
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.selectors import date_readings_grouped, date_readings_prefetch


def case_detail_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases with everything the detail view shows: subjects, proceedings, agreements invoked.

    Not built on ``case_list``: its subjects (a list row's few columns) would be loaded a
    second time beside ``subject_list``.
    """
    return scoped(Case.objects.select_related("organization"), user).prefetch_related(
        caseworkers(),
        Prefetch("subjects", queryset=Individual.objects.all(), to_attr="subject_list"),
        Prefetch(
            "proceedings",
            queryset=Proceeding.objects.select_related("authority", "subject", "appeal_of"),
            to_attr="proceeding_list",
        ),
        Prefetch("proceeding_list__agreements", queryset=Agreement.objects.all()),
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
    # For an agreement milestone: what the sources say that date is, and whether they differ.
    readings: list = field(default_factory=list)
    disputed: bool = False

    @property
    def sort_key(self):
        # Undated entries last; partial dates by their start, the wider period first.
        order = ("fact", "proceeding_event", "agreement_milestone").index(self.type)
        if self.date is None:
            return (1, (), order)
        return (0, self.date.sort_key(), order)


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """The case's facts, proceeding events and the milestones of the agreements its
    proceedings invoke, in date order; a milestone carries the readings its sources give
    (``DateReading``) and whether they differ. Six queries, whatever the size of the case."""
    facts = facts_with_sources().filter(case=case)
    events = ProceedingEvent.objects.filter(proceeding__case=case).select_related("proceeding")
    agreements = Agreement.objects.filter(Exists(Proceeding.agreements.through.objects.filter(
        agreement=OuterRef("pk"), proceeding__case=case
    ))).prefetch_related(date_readings_prefetch())
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
    for agreement in agreements:
        readings = date_readings_grouped(agreement.date_readings.all())
        for label, date in agreement.milestones():
            reading = readings.get(label.replace(" ", "_"), {"disputed": False, "readings": []})
            entries.append(
                TimelineEntry(
                    type="agreement_milestone",
                    date=date,
                    id=agreement.public_id,
                    summary=f"{agreement} {label}",
                    agreement=agreement,
                    milestone=label,
                    readings=reading["readings"],
                    disputed=reading["disputed"],
                )
            )
    return sorted(entries, key=lambda entry: entry.sort_key)
