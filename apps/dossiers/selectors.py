"""Reading a case into a dossier: one selector, one prefetching pass, one plain-data result.

Every format (HTML, PDF, DOCX, JSON, the evidence bundle) renders the same dictionary built
here, so what a dossier shows — and above all what it leaves out at each redaction level — is
decided in one place. The dictionary holds only JSON types; its layout is documented in
docs/dossier-json.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.db.models import Prefetch, Q
from django_countries import countries

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, Fact
from apps.core.partial_dates import PartialDate
from apps.dossiers.models import Level
from apps.people.models import Individual
from apps.proceedings.models import Proceeding
from apps.sources.models import Citation

SCHEMA = "casetracker.dossier/1"

# The cover fields that say when and by whom this copy was made. They differ between two
# copies of the same dossier, so the content digest leaves them out.
COVER_VOLATILE = ("generated_at", "generated_by", "digest")

_CITATIONS = Citation.objects.select_related("article__outlet").order_by(
    "article__published_on", "start", "pk"
)


def dossier_content(
    *,
    case: Case,
    level: str,
    generated_by: str | None = None,
    generated_at: dt.datetime | None = None,
) -> dict:
    """The content of ``case``'s dossier at redaction ``level``, as JSON-ready data.

    ``full`` shows the subjects' protected identities; ``legal`` never does; ``public`` also
    leaves out caseworkers' names, facts marked internal (and the sources only they cite),
    aliases, court file numbers and caseworkers' notes on citations.

    ``generated_at`` defaults to the latest change of the data the dossier shows, which makes
    the content a function of the data alone (the evidence bundle relies on this).
    ``generated_by`` is shown on the cover except at ``public``.
    """
    if level not in Level.values:
        raise ValueError(f"Unknown redaction level {level!r}.")
    full, public = level == Level.FULL, level == Level.PUBLIC

    subjects = Individual.objects.order_by("pseudonym", "pk")
    if not public:
        subjects = subjects.prefetch_related("aliases")
    if full:
        # Below ``full`` the protected identity is not even loaded.
        subjects = subjects.select_related("protected_identity")
    facts = Fact.objects.prefetch_related(
        Prefetch("citations", queryset=_CITATIONS),
        Prefetch("contradicts", queryset=Fact.objects.only("pk", "case_id", "internal")),
    )
    if public:
        facts = facts.filter(internal=False)
    proceedings = Proceeding.objects.select_related("authority", "subject").prefetch_related(
        "events",
        Prefetch("citations", queryset=_CITATIONS),
        "agreements",
        Prefetch("provisions", queryset=Provision.objects.select_related("agreement")),
    )
    prefetches = [
        Prefetch("subjects", queryset=subjects),
        Prefetch("facts", queryset=facts),
        Prefetch("proceedings", queryset=proceedings),
    ]
    if not public:
        prefetches.append("caseworkers")
    case = Case.objects.select_related("organization").prefetch_related(*prefetches).get(pk=case.pk)

    # Sorted here rather than in SQL: databases disagree on where undated rows go, and the
    # dossier (and its digest) must not depend on the database.
    facts = sorted(case.facts.all(), key=lambda f: (*_when_key(f.date), f.created_at, f.pk))
    proceedings = sorted(
        case.proceedings.all(), key=lambda p: (*_when_key(p.filed or p.decided), p.created_at, p.pk)
    )
    # An agreement bears on the case when a proceeding invokes it (or one of its provisions),
    # or when a source the case relies on is quoted for one of its provisions.
    agreement_ids = {a.pk for p in proceedings for a in p.agreements.all()}
    agreement_ids |= {prov.agreement_id for p in proceedings for prov in p.provisions.all()}
    case_article_ids = {c.article_id for f in facts for c in f.citations.all()}
    case_article_ids |= {c.article_id for p in proceedings for c in p.citations.all()}
    agreements = list(
        Agreement.objects.filter(
            Q(pk__in=agreement_ids) | Q(provisions__citations__article__in=case_article_ids)
        )
        .distinct()
        .prefetch_related(
            Prefetch(
                "provisions",
                queryset=Provision.objects.order_by("position", "number", "pk").prefetch_related(
                    Prefetch("citations", queryset=_CITATIONS)
                ),
            )
        )
        .order_by("title", "pk")
    )

    # Sources are the articles quoted by what this dossier shows, listed by date.
    shown_citations = [c for f in facts for c in f.citations.all()]
    shown_citations += [c for p in proceedings for c in p.citations.all()]
    shown_citations += [c for a in agreements for prov in a.provisions.all() for c in prov.citations.all()]
    articles = sorted(
        {c.article_id: c.article for c in shown_citations}.values(),
        key=lambda a: (a.published_on is None, a.published_on or dt.date.min, a.title, a.sha256),
    )
    source_keys = {article.pk: f"S{number}" for number, article in enumerate(articles, start=1)}

    # Footnotes are numbered in reading order: timeline, proceedings, then provisions.
    note_numbers: dict[int, int] = {}

    def cite(citations: Iterable[Citation]) -> list[dict]:
        entries = []
        for citation in citations:
            note_numbers[citation.pk] = len(note_numbers) + 1
            entry = {
                "note": note_numbers[citation.pk],
                "source": source_keys[citation.article_id],
                "quote": citation.quote,
                "start": citation.start,
                "end": citation.end,
            }
            if not public and citation.note:
                entry["comment"] = citation.note
            entries.append(entry)
        return entries

    fact_labels = {fact.pk: f"F{number}" for number, fact in enumerate(facts, start=1)}
    timeline = []
    for fact in facts:
        timeline.append(
            {
                "id": fact_labels[fact.pk],
                "public_id": str(fact.public_id),
                "date": _date(fact.date),
                "statement": fact.statement,
                "disputed": fact.disputed,
                "internal": fact.internal,
                "citations": cite(fact.citations.all()),
                # Only facts shown in this dossier: an internal counter-claim stays internal.
                "contradicted_by": sorted(
                    (fact_labels[other.pk] for other in fact.contradicts.all() if other.pk in fact_labels),
                    key=lambda label: int(label[1:]),
                ),
            }
        )
    notes_by_fact = {entry["id"]: [c["note"] for c in entry["citations"]] for entry in timeline}
    for entry in timeline:
        entry["contradicting_notes"] = [n for label in entry["contradicted_by"] for n in notes_by_fact[label]]

    proceeding_labels = {p.pk: f"P{number}" for number, p in enumerate(proceedings, start=1)}
    provision_invoked_by: dict[int, list[str]] = {}
    proceeding_entries = []
    by_pk = {p.pk: p for p in proceedings}
    for proceeding in proceedings:
        for provision in proceeding.provisions.all():
            provision_invoked_by.setdefault(provision.pk, []).append(proceeding_labels[proceeding.pk])
        chain = []
        ancestor_id = proceeding.appeal_of_id
        while ancestor_id in by_pk and proceeding_labels[ancestor_id] not in chain:
            chain.append(proceeding_labels[ancestor_id])
            ancestor_id = by_pk[ancestor_id].appeal_of_id
        entry = {
            "id": proceeding_labels[proceeding.pk],
            "public_id": str(proceeding.public_id),
            "kind": proceeding.kind,
            "kind_display": proceeding.get_kind_display(),
            "authority": str(proceeding.authority),
            "country": _country(proceeding.country),
            "subject": proceeding.subject.pseudonym if proceeding.subject else None,
            "filed": _date(proceeding.filed),
            "decided": _date(proceeding.decided),
            "status": proceeding.get_status_display(),
            "outcome": proceeding.outcome,
            "outcome_display": proceeding.get_outcome_display(),
            "appeal_of": chain[0] if chain else None,
            "appeal_chain": chain,
            "appealed_by": [],
            "summary": proceeding.summary,
            "legal_basis": [str(a) for a in proceeding.agreements.all()]
            + [_provision_label(prov) for prov in proceeding.provisions.all()],
            "events": [
                {
                    "kind": event.get_kind_display(),
                    "date": _date(event.date),
                    "description": event.description,
                }
                for event in proceeding.events.all()
            ],
            "citations": cite(proceeding.citations.all()),
        }
        if not public:
            entry["reference_number"] = proceeding.reference_number
        proceeding_entries.append(entry)
    entries_by_label = {entry["id"]: entry for entry in proceeding_entries}
    for entry in proceeding_entries:
        if entry["appeal_of"]:
            entries_by_label[entry["appeal_of"]]["appealed_by"].append(entry["id"])

    agreement_entries = []
    for agreement in agreements:
        agreement_entries.append(
            {
                "public_id": str(agreement.public_id),
                "title": agreement.title,
                "short_title": agreement.short_title,
                "kind": agreement.get_kind_display(),
                "status": agreement.get_status_display(),
                "parties": [country.name for country in agreement.party_countries],
                "milestones": [
                    {"label": label, "date": _date(value)} for label, value in agreement.milestones()
                ],
                "summary": agreement.summary,
                "url": agreement.url,
                "invoked_by": sorted(
                    (proceeding_labels[p.pk] for p in proceedings if agreement in p.agreements.all()),
                    key=lambda label: int(label[1:]),
                ),
                "provisions": [
                    {
                        "public_id": str(provision.public_id),
                        "number": provision.number,
                        "summary": provision.summary,
                        "text": provision.text,
                        "time_limit_days": provision.time_limit_days,
                        "invoked_by": provision_invoked_by.get(provision.pk, []),
                        "citations": cite(provision.citations.all()),
                    }
                    for provision in agreement.provisions.all()
                ],
            }
        )

    cited_in: dict[str, list[int]] = {}
    for citation in shown_citations:
        cited_in.setdefault(source_keys[citation.article_id], []).append(note_numbers[citation.pk])
    sources = [
        {
            "id": source_keys[article.pk],
            "public_id": str(article.public_id),
            "outlet": article.outlet.name,
            "authors": article.authors,
            "title": article.title,
            "published_on": article.published_on.isoformat() if article.published_on else None,
            "url": article.url,
            "language": article.language,
            "added_on": article.created_at.date().isoformat(),
            "sha256": article.sha256,
            "cited_in": sorted(cited_in[source_keys[article.pk]]),
            "text": article.body,
        }
        for article in articles
    ]

    subjects_entries = []
    for individual in case.subjects.all():
        entry = {
            "public_id": str(individual.public_id),
            "pseudonym": individual.pseudonym,
            "nationality": _country(individual.nationality),
            "born": _date(individual.born),
            "status": individual.get_status_display(),
            "summary": individual.summary,
        }
        if not public:
            # An alias may be the very name the pseudonym hides from readers of a public report.
            entry["aliases"] = [
                {"name": alias.name, "script": alias.get_script_display(), "note": alias.note}
                for alias in individual.aliases.all()
            ]
        if full:
            identity = getattr(individual, "protected_identity", None)
            entry["protected_identity"] = (
                {
                    "legal_name": identity.legal_name,
                    "date_of_birth": identity.date_of_birth.isoformat() if identity.date_of_birth else None,
                    "phone": identity.phone,
                    "email": identity.email,
                    "address": identity.address,
                }
                if identity
                else None
            )
        subjects_entries.append(entry)

    case_entry = {
        "reference": case.reference,
        "public_id": str(case.public_id),
        "title": case.title,
        "status": case.get_status_display(),
        "priority": case.get_priority_display(),
        "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "organization": case.organization.name,
        "summary": case.summary,
    }
    if not public:
        case_entry["caseworkers"] = sorted(
            user.get_full_name() or user.get_username() for user in case.caseworkers.all()
        )

    as_of = _latest_change(case, facts, proceedings, agreements, shown_citations, articles, level=level)
    content = {
        "schema": SCHEMA,
        "cover": {
            "reference": case.reference,
            "pseudonyms": [s["pseudonym"] for s in subjects_entries],
            "level": level,
            "level_display": Level(level).label,
            "issued_by": case.organization.name,
            "generated_at": (generated_at or as_of).isoformat(),
            "generated_by": None if public else generated_by,
            "data_as_of": as_of.isoformat(),
            "source_count": len(sources),
            "fact_count": len(timeline),
            "proceeding_count": len(proceeding_entries),
        },
        "case": case_entry,
        "subjects": subjects_entries,
        "timeline": timeline,
        "proceedings": proceeding_entries,
        "agreements": agreement_entries,
        "sources": sources,
    }
    content["cover"]["digest"] = content_digest(content)
    return content


def content_digest(content: dict) -> str:
    """SHA-256 of the content as canonical JSON, leaving out when and by whom this copy was made."""
    stable = {**content, "cover": {k: v for k, v in content["cover"].items() if k not in COVER_VOLATILE}}
    return hashlib.sha256(canonical_json(stable)).hexdigest()


def canonical_json(data) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _date(value: PartialDate | None) -> dict | None:
    """A partial date as people write it ("spring 2013") and in machine form ("2013-spring")."""
    if value is None:
        return None
    return {
        "text": str(value),
        "iso": value.isoformat(),
        "start": value.start.isoformat(),
        "end": value.end.isoformat(),
        "precision": value.precision,
        "approximate": value.approximate,
    }


def _when_key(value: PartialDate | None) -> tuple:
    """Earliest first, the wider period first when two start together, undated last."""
    if value is None:
        return (1, dt.date.max, 0)
    return (0, value.start, -value.end.toordinal())


def _country(code) -> str:
    code = str(code or "")
    return countries.name(code) or code if code else ""


def _provision_label(provision: Provision) -> str:
    return f"{provision.agreement}, {provision.number or 'provision'}: {provision.summary}"


def _latest_change(case, facts, proceedings, agreements, citations, articles, *, level: str) -> dt.datetime:
    """When the data this dossier shows last changed (a deletion is caught by the digest instead)."""
    stamps = [case.updated_at]
    stamps += [f.updated_at for f in facts]
    stamps += [p.updated_at for p in proceedings]
    stamps += [e.updated_at for p in proceedings for e in p.events.all()]
    stamps += [a.updated_at for a in agreements]
    stamps += [prov.updated_at for a in agreements for prov in a.provisions.all()]
    stamps += [c.updated_at for c in citations]
    stamps += [a.updated_at for a in articles]
    for individual in case.subjects.all():
        stamps.append(individual.updated_at)
        if level != Level.PUBLIC:
            stamps += [alias.updated_at for alias in individual.aliases.all()]
        if level == Level.FULL and getattr(individual, "protected_identity", None):
            stamps.append(individual.protected_identity.updated_at)
    # Microseconds would make the PDF's metadata and the ZIP's timestamps look arbitrary.
    return max(stamps).replace(microsecond=0)
