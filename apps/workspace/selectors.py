"""Reads of the case file: a case with its proceedings and agreements, and its timeline.

They span cases, proceedings, agreements and sources, so they live in the top layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, Fact
from apps.cases.selectors import caseworkers, facts_with_sources
from apps.core.partial_dates import PartialDate
from apps.core.scoping import scoped
from apps.deadlines import selectors as deadlines_selectors
from apps.documents.selectors import case_documents
from apps.dossiers.models import DossierGeneration
from apps.people.models import Alias, Individual
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.sources.models import Citation
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
    fact: Fact | FactLine | None = None  # the case file reads its facts as rows (FactLine)
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


# -- the case file page (admin) ------------------------------------------------------------


@dataclass
class ChronologyItem:
    """One line of the case file's chronology.

    ``readings`` holds, for a disputed fact, every fact of its dispute (the facts linked by
    ``contradicts``, directly or through one another), so that the page can set the readings
    side by side at the date of the earliest; otherwise it is empty and ``entry`` is the line.
    """

    entry: TimelineEntry
    readings: list[TimelineEntry] = field(default_factory=list)


@dataclass
class ProceedingLink:
    """A proceeding in its appeal chain: ``depth`` 0 for the first, 1 for its appeal, and so on."""

    proceeding: Proceeding
    depth: int


@dataclass
class CaseFile:
    case: Case
    next_deadline: object | None
    chronology: list[ChronologyItem]
    chains: list[list[ProceedingLink]]
    people: list[Individual]
    documents: list
    dossiers: list
    fact_total: int
    disputed_total: int


def case_next_deadline(*, case: Case):
    """The case's next open deadline, for the case file's header; None while there is none.

    The header shows its ``str`` and ``due_on`` (apps.deadlines: computed from the rules, or
    set by hand).
    """
    return deadlines_selectors.case_next_deadline(case=case)


def _lean_citations() -> Prefetch:
    # The case file shows a quote with its article's title, outlet, date and address: never
    # the article's text, which can be tens of kilobytes per citation.
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("article__outlet", "document").defer(
            "article__body", "article__raw_text", "article__outlet__notes", "document__text"
        ),
    )


@dataclass(frozen=True)
class QuotedArticle:
    """What the case file shows of a quoted article (never its text)."""

    title: str
    url: str
    published_on: object
    outlet: str  # the outlet's name


@dataclass(frozen=True)
class Quote:
    quote: str
    note: str
    article_id: int
    article: QuotedArticle


@dataclass
class FactLine:
    """A fact as the case file shows it, read as a row: no model instance per fact."""

    pk: int
    statement: str
    internal: bool
    disputed: bool
    contradicts: list[int] = field(default_factory=list)  # the ids of the facts it contradicts


def case_chronology(*, case: Case) -> list[ChronologyItem]:
    """The case's facts (with quotes and sources), proceeding events and agreement milestones
    in date order, disputed facts grouped into their readings, an agreement's date with what
    sources say it is. Seven queries (eight once a milestone has readings), whatever the size.

    Facts and their quotes are read as rows (``.values()``), not model instances: a case of
    200 facts spent most of its page in building and prefetching those (docs/performance.md).
    """
    facts = list(
        Fact.objects.filter(case=case).values(
            "pk", "public_id", "date_start", "date_end", "date_precision", "date_approximate", "statement",
            "internal", "disputed",
        )
    )
    lines = {
        row["pk"]: FactLine(pk=row["pk"], statement=row["statement"], internal=row["internal"], disputed=row["disputed"])
        for row in facts
    }
    for from_id, to_id in Fact.contradicts.through.objects.filter(from_fact__case=case).values_list(
        "from_fact_id", "to_fact_id"
    ):
        if from_id in lines:
            lines[from_id].contradicts.append(to_id)
    quotes: dict[int, list[Quote]] = {}
    for row in Citation.objects.filter(fact__case=case).values(
        "fact_id", "quote", "note", "article_id", "article__title", "article__url", "article__published_on",
        "article__outlet__name",
    ):
        article = QuotedArticle(
            title=row["article__title"], url=row["article__url"], published_on=row["article__published_on"],
            outlet=row["article__outlet__name"],
        )
        quotes.setdefault(row["fact_id"], []).append(
            Quote(quote=row["quote"], note=row["note"], article_id=row["article_id"], article=article)
        )
    events = ProceedingEvent.objects.filter(proceeding__case=case).select_related("proceeding__authority")
    # A milestone's date readings (what sources say the date is), with their quotes and
    # sources: a disputed date shows each reading side by side. Two queries more.
    agreements = Agreement.objects.filter(Exists(Proceeding.agreements.through.objects.filter(
        agreement=OuterRef("pk"), proceeding__case=case
    ))).prefetch_related(date_readings_prefetch())
    entries = [
        TimelineEntry(
            type="fact",
            date=PartialDate.from_stored(row["date_start"], row["date_end"], row["date_precision"],
                                         row["date_approximate"]) if row["date_start"] is not None else None,
            id=row["public_id"], summary=row["statement"], fact=lines[row["pk"]],
            citations=quotes.get(row["pk"], []),
        )
        for row in facts
    ]
    entries += [
        TimelineEntry(
            type="proceeding_event", date=event.date, id=event.public_id,
            summary=event.description, event=event,
        )
        for event in events
    ]
    for agreement in agreements:
        readings = date_readings_grouped(agreement.date_readings.all())
        for label, date in agreement.milestones():
            reading = readings.get(label.replace(" ", "_"), {"disputed": False, "readings": []})
            entries.append(TimelineEntry(
                type="agreement_milestone", date=date, id=agreement.public_id,
                summary=str(agreement), agreement=agreement, milestone=label,
                readings=reading["readings"], disputed=reading["disputed"],
            ))
    entries.sort(key=lambda entry: entry.sort_key)
    return _group_disputes(entries)


def _group_disputes(entries: list[TimelineEntry]) -> list[ChronologyItem]:
    """Each dispute once, at the date of its earliest reading (entries are in date order)."""
    group_of: dict[int, int] = {}  # fact id -> the id of its dispute's first fact

    def root(fact_id: int) -> int:
        while group_of.get(fact_id, fact_id) != fact_id:
            fact_id = group_of[fact_id]
        return fact_id

    for entry in entries:
        if entry.fact is None:
            continue
        for other_pk in entry.fact.contradicts:
            first, second = root(entry.fact.pk), root(other_pk)
            if first != second:
                group_of[second] = first
            group_of.setdefault(first, first)
    readings: dict[int, list[TimelineEntry]] = {}
    items: list[ChronologyItem] = []
    for entry in entries:
        if entry.fact is None or entry.fact.pk not in group_of:
            items.append(ChronologyItem(entry=entry))
            continue
        group = root(entry.fact.pk)
        if group not in readings:
            readings[group] = []
            items.append(ChronologyItem(entry=entry, readings=readings[group]))
        readings[group].append(entry)
    return items


def appeal_chains(proceedings: list[Proceeding]) -> list[list[ProceedingLink]]:
    """The proceedings as chains: each first proceeding followed by its appeals, theirs after them.

    A proceeding whose appealed one is not in the list (another case's, which the rules
    refuse, or one the reader may not see) starts a chain of its own.
    """
    present = {proceeding.pk for proceeding in proceedings}
    appeals: dict[int, list[Proceeding]] = {}
    for proceeding in proceedings:
        if proceeding.appeal_of_id in present:
            appeals.setdefault(proceeding.appeal_of_id, []).append(proceeding)
    chains = []
    for first in proceedings:
        if first.appeal_of_id in present:
            continue
        chain, stack = [], [(first, 0)]
        while stack:  # depth first, in the list's (date) order
            proceeding, depth = stack.pop()
            chain.append(ProceedingLink(proceeding=proceeding, depth=depth))
            stack.extend((appeal, depth + 1) for appeal in reversed(appeals.get(proceeding.pk, [])))
        chains.append(chain)
    return chains


def case_file(*, case: Case) -> CaseFile:
    """Everything the case file page shows of a case the reader may see, in a fixed number of
    queries (a test pins it for a 200-fact case): the chronology, the proceedings as appeal
    chains with their quotes and legal basis, the people with their aliases, the dossiers
    generated, the documents uploaded (without their text). Never a protected identity: the people's own pages show those to whom may."""
    chronology = case_chronology(case=case)
    proceedings = list(
        Proceeding.objects.filter(case=case)
        .select_related("authority", "subject", "appeal_of")
        .prefetch_related(_lean_citations(), "agreements", Prefetch(
            "provisions", queryset=Provision.objects.select_related("agreement")
        ))
        .order_by(F("filed_start").asc(nulls_last=True), F("decided_start").asc(nulls_last=True), "created_at")
    )
    people = list(
        Individual.objects.filter(cases=case).prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name"))
        ).order_by("pseudonym")
    )
    dossiers = list(DossierGeneration.objects.filter(case=case).select_related("generated_by")[:10])
    return CaseFile(
        case=case,
        next_deadline=case_next_deadline(case=case),
        chronology=chronology,
        chains=appeal_chains(proceedings),
        people=people,
        documents=case_documents(case=case),
        dossiers=dossiers,
        fact_total=sum(len(item.readings) or int(item.entry.fact is not None) for item in chronology),
        disputed_total=sum(1 for item in chronology for _entry in item.readings),
    )
