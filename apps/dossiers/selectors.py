"""Reading a case into a dossier: one selector, one prefetching pass, one plain-data result.

Every format (HTML, PDF, DOCX, JSON, the evidence bundle) renders the same dictionary built
here, so what a dossier shows — and above all what it leaves out at each redaction level — is
decided in one place. The dictionary holds only JSON types; its layout is documented in
docs/dossier-json.md.

:func:`dossier_content` loads everything in a fixed number of queries and hands each section
of the dossier to its own builder (``cover_section``, ``summary_section`` …). The builders
run no queries of their own: they read what the loading pass prefetched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, Q
from django_countries import countries

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case, Fact
from apps.core.partial_dates import PartialDate
from apps.documents.models import Document
from apps.documents.services import document_content
from apps.dossiers.models import Level
from apps.dossiers.signing import dossier_key
from apps.people.models import Individual
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, ArticleOriginal, Citation, DateReading
from apps.sources.selectors import date_readings_grouped

SCHEMA = "casetracker.dossier/1"

# The cover fields that say when and by whom this copy was made. They differ between two
# copies of the same dossier, so the content digest leaves them out.
COVER_VOLATILE = ("generated_at", "generated_by", "digest")

# The article's original comes along in the same query, without its bytes: the bibliography
# names its hash; only the evidence bundle reads the bytes (bundle_originals).
_CITATIONS = (
    Citation.objects.select_related("article__outlet", "article__original", "document")
    .defer("article__original__content", "document__text")
    .order_by("article__published_on", "start", "pk")
)
_READINGS = DateReading.objects.prefetch_related(Prefetch("citations", queryset=_CITATIONS))


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
    public = level == Level.PUBLIC
    case = _load_case(case=case, level=level)

    # Sorted here rather than in SQL: databases disagree on where undated rows go, and the
    # dossier (and its digest) must not depend on the database.
    facts = sorted(case.facts.all(), key=lambda f: (*_when_key(f.date), f.created_at, f.pk))
    proceedings = sorted(
        case.proceedings.all(), key=lambda p: (*_when_key(p.filed or p.decided), p.created_at, p.pk)
    )
    agreements = _load_agreements(facts=facts, proceedings=proceedings)

    # Sources are the articles quoted by what this dossier shows.
    shown_citations = [c for f in facts for c in f.citations.all()]
    shown_citations += [c for p in proceedings for c in p.citations.all()]
    shown_citations += [c for a in agreements for prov in a.provisions.all() for c in prov.citations.all()]
    shown_citations += [c for p in proceedings for r in p.date_readings.all() for c in r.citations.all()]
    shown_citations += [c for a in agreements for r in a.date_readings.all() for c in r.citations.all()]
    articles = _articles_by_date(shown_citations)
    documents = _documents_by_upload(shown_citations)
    notes = Footnotes(
        source_keys=_labels(articles, "S"), document_keys=_labels(documents, "D"), comments=not public
    )

    # Each builder numbers the footnotes it cites, so they run in reading order: timeline,
    # proceedings, then provisions; the bibliography comes after, to list every note.
    timeline = timeline_section(facts=facts, notes=notes)
    proceeding_labels = _labels(proceedings, "P")
    proceeding_entries = proceedings_section(
        proceedings=proceedings, labels=proceeding_labels, notes=notes, public=public
    )
    agreement_entries = agreements_section(
        agreements=agreements, proceedings=proceedings, proceeding_labels=proceeding_labels, notes=notes
    )
    sources = bibliography_section(articles=articles, notes=notes)
    cited_documents = documents_section(documents=documents, notes=notes, level=level)
    subjects = subject_profile_section(subjects=case.subjects.all(), level=level)

    as_of = _latest_change(case, facts, proceedings, agreements, shown_citations, articles, level=level)
    content = {
        "schema": SCHEMA,
        "cover": cover_section(
            case=case,
            level=level,
            pseudonyms=[s["pseudonym"] for s in subjects],
            generated_at=generated_at or as_of,
            generated_by=generated_by,
            data_as_of=as_of,
            source_count=len(sources),
            fact_count=len(timeline),
            proceeding_count=len(proceeding_entries),
        ),
        "case": summary_section(case=case, public=public),
        "subjects": subjects,
        "timeline": timeline,
        "proceedings": proceeding_entries,
        "agreements": agreement_entries,
        "sources": sources,
        "documents": cited_documents,
    }
    # The key that signs this dossier's evidence bundle, so that a reader of any format can
    # check a bundle (and the key the organization publishes). Part of the digest: after a key
    # rotation a stored render must not go on printing the old key.
    content["cover"]["signing_key"] = dossier_key()
    content["cover"]["digest"] = content_digest(content)
    return content


# -- loading ------------------------------------------------------------------------------------


def _load_case(*, case: Case, level: str) -> Case:
    """``case`` again, with everything its dossier shows prefetched and nothing ``level`` hides."""
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
        Prefetch("date_readings", queryset=_READINGS),
    )
    prefetches = [
        Prefetch("subjects", queryset=subjects),
        Prefetch("facts", queryset=facts),
        Prefetch("proceedings", queryset=proceedings),
    ]
    if not public:
        prefetches.append("caseworkers")
    return Case.objects.select_related("organization").prefetch_related(*prefetches).get(pk=case.pk)


def _load_agreements(*, facts: Sequence[Fact], proceedings: Sequence[Proceeding]) -> list[Agreement]:
    """The agreements bearing on the case, by title, with their provisions and citations.

    An agreement bears on the case when a proceeding invokes it (or one of its provisions),
    or when a source the case relies on is quoted for one of its provisions.
    """
    agreement_ids = {a.pk for p in proceedings for a in p.agreements.all()}
    agreement_ids |= {prov.agreement_id for p in proceedings for prov in p.provisions.all()}
    case_article_ids = {c.article_id for f in facts for c in f.citations.all() if c.article_id}
    case_article_ids |= {c.article_id for p in proceedings for c in p.citations.all() if c.article_id}
    return list(
        Agreement.objects.filter(
            Q(pk__in=agreement_ids) | Q(provisions__citations__article__in=case_article_ids)
        )
        .distinct()
        .prefetch_related(
            Prefetch("date_readings", queryset=_READINGS),
            Prefetch(
                "provisions",
                queryset=Provision.objects.order_by("position", "number", "pk").prefetch_related(
                    Prefetch("citations", queryset=_CITATIONS)
                ),
            ),
        )
        .order_by("title", "pk")
    )


def _articles_by_date(citations: Iterable[Citation]) -> list[Article]:
    """Each article quoted by ``citations`` once, oldest first (undated last)."""
    return sorted(
        {c.article_id: c.article for c in citations if c.article_id}.values(),
        key=lambda a: (a.published_on is None, a.published_on or dt.date.min, a.title, a.sha256),
    )


def _documents_by_upload(citations: Iterable[Citation]) -> list:
    """Each of the case's documents quoted by ``citations`` once, in the order they were uploaded."""
    return sorted(
        {c.document_id: c.document for c in citations if c.document_id}.values(),
        key=lambda d: (d.created_at, d.sha256),
    )


def _labels(records: Iterable, prefix: str) -> dict[int, str]:
    """Reader-facing labels by primary key, in the given order: F1, F2 … or P1, P2 …"""
    return {record.pk: f"{prefix}{number}" for number, record in enumerate(records, start=1)}


def _by_number(labels: Iterable[str]) -> list[str]:
    """Labels such as F10, F2 in numeric order (F2 before F10)."""
    return sorted(labels, key=lambda label: int(label[1:]))


# -- footnotes ----------------------------------------------------------------------------------


class Footnotes:
    """Numbers citations as footnotes in the order they are cited, and remembers who cites whom.

    One instance serves a whole dossier, so the numbers run on from section to section; the
    bibliography reads back which notes quote each source.
    """

    def __init__(self, *, source_keys: dict[int, str], comments: bool,
                 document_keys: dict[int, str] | None = None) -> None:
        self.source_keys = source_keys  # article pk -> "S1", "S2" …
        self.document_keys = document_keys or {}  # document pk -> "D1", "D2" …
        self.comments = comments  # whether caseworkers' notes on citations are shown
        self.numbers: dict[int, int] = {}  # citation pk -> note number
        self.cited_in: dict[str, list[int]] = {}  # source key -> note numbers

    def cite(self, citations: Iterable[Citation]) -> list[dict]:
        """The next footnotes, one per citation, with the source's key and the exact quote."""
        entries = []
        for citation in citations:
            number = self.numbers[citation.pk] = len(self.numbers) + 1
            if citation.article_id:
                source = self.source_keys[citation.article_id]
            else:
                source = self.document_keys[citation.document_id]
            self.cited_in.setdefault(source, []).append(number)
            entry = {
                "note": number,
                "source": source,
                "quote": citation.quote,
                "start": citation.start,
                "end": citation.end,
            }
            if self.comments and citation.note:
                entry["comment"] = citation.note
            entries.append(entry)
        return entries


# -- the sections, in the order a dossier shows them -------------------------------------------


def cover_section(
    *,
    case: Case,
    level: str,
    pseudonyms: list[str],
    generated_at: dt.datetime,
    generated_by: str | None,
    data_as_of: dt.datetime,
    source_count: int,
    fact_count: int,
    proceeding_count: int,
) -> dict:
    """The cover: which case, for whom, how redacted, and when the data was read.

    The digest is added by :func:`dossier_content` once the rest of the content exists.
    A public dossier does not name who generated it.
    """
    return {
        "reference": case.reference,
        "pseudonyms": pseudonyms,
        "level": level,
        "level_display": str(Level(level).label),
        "issued_by": case.organization.name,
        "generated_at": generated_at.isoformat(),
        "generated_by": None if level == Level.PUBLIC else generated_by,
        "data_as_of": data_as_of.isoformat(),
        "source_count": source_count,
        "fact_count": fact_count,
        "proceeding_count": proceeding_count,
    }


def summary_section(*, case: Case, public: bool) -> dict:
    """The case itself: reference, status, dates, organization; caseworkers unless ``public``."""
    entry = {
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
        entry["caseworkers"] = sorted(
            user.get_full_name() or user.get_username() for user in case.caseworkers.all()
        )
    return entry


def subject_profile_section(*, subjects: Iterable[Individual], level: str) -> list[dict]:
    """One profile per subject; aliases except at ``public``, the protected identity only at ``full``."""
    entries = []
    for individual in subjects:
        entry = {
            "public_id": str(individual.public_id),
            "pseudonym": individual.pseudonym,
            "nationality": _country(individual.nationality),
            "born": _date(individual.born),
            "status": individual.get_status_display(),
            "summary": individual.summary,
        }
        if level != Level.PUBLIC:
            # An alias may be the very name the pseudonym hides from readers of a public report.
            entry["aliases"] = [
                {"name": alias.name, "script": alias.get_script_display(), "note": alias.note}
                for alias in individual.aliases.all()
            ]
        if level == Level.FULL:
            entry["protected_identity"] = _protected_identity(getattr(individual, "protected_identity", None))
        entries.append(entry)
    return entries


def _protected_identity(identity) -> dict | None:
    if identity is None:
        return None
    return {
        "legal_name": identity.legal_name,
        "date_of_birth": identity.date_of_birth.isoformat() if identity.date_of_birth else None,
        "phone": identity.phone,
        "email": identity.email,
        "address": identity.address,
    }


def timeline_section(*, facts: Sequence[Fact], notes: Footnotes) -> list[dict]:
    """The facts in the given (date) order, labelled F1, F2 …, each with its footnotes.

    ``facts`` are those the dossier shows: a disputed fact points only at counter-claims
    among them (see :func:`disputed_facts`).
    """
    labels = _labels(facts, "F")
    entries = [
        {
            "id": labels[fact.pk],
            "public_id": str(fact.public_id),
            "date": _date(fact.date),
            "statement": fact.statement,
            "disputed": fact.disputed,
            "internal": fact.internal,
            "citations": notes.cite(fact.citations.all()),
        }
        for fact in facts
    ]
    notes_by_label = {entry["id"]: [c["note"] for c in entry["citations"]] for entry in entries}
    disputes = disputed_facts(facts=facts, labels=labels, notes_by_label=notes_by_label)
    for entry in entries:
        entry.update(disputes[entry["id"]])
    return entries


def disputed_facts(
    *, facts: Iterable[Fact], labels: dict[int, str], notes_by_label: dict[str, list[int]]
) -> dict[str, dict]:
    """For each fact's label: the shown facts that contradict it, and those facts' notes.

    A fact the dossier does not show (not in ``labels``) is left out: an internal
    counter-claim stays internal.
    """
    disputes = {}
    for fact in facts:
        contradicted_by = _by_number(
            labels[other.pk] for other in fact.contradicts.all() if other.pk in labels
        )
        disputes[labels[fact.pk]] = {
            "contradicted_by": contradicted_by,
            "contradicting_notes": [n for other in contradicted_by for n in notes_by_label[other]],
        }
    return disputes


def proceedings_section(
    *, proceedings: Sequence[Proceeding], labels: dict[int, str], notes: Footnotes, public: bool
) -> list[dict]:
    """The proceedings in the given order, with appeal chains both ways and their footnotes.

    Court file numbers are left out of a ``public`` dossier.
    """
    by_pk = {p.pk: p for p in proceedings}
    entries = []
    for proceeding in proceedings:
        # Walk up the appeals among the shown proceedings; the check on ``chain`` stops a
        # cycle that bad data could form.
        chain = []
        ancestor_id = proceeding.appeal_of_id
        while ancestor_id in by_pk and labels[ancestor_id] not in chain:
            chain.append(labels[ancestor_id])
            ancestor_id = by_pk[ancestor_id].appeal_of_id
        entry = {
            "id": labels[proceeding.pk],
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
            "citations": notes.cite(proceeding.citations.all()),
        }
        # After its own citations, as the page shows them: notes are numbered in reading order.
        entry["date_readings"] = date_readings_section(proceeding.date_readings.all(), notes=notes)
        if not public:
            entry["reference_number"] = proceeding.reference_number
        entries.append(entry)
    by_label = {entry["id"]: entry for entry in entries}
    for entry in entries:
        if entry["appeal_of"]:
            by_label[entry["appeal_of"]]["appealed_by"].append(entry["id"])
    return entries


def agreements_section(
    *,
    agreements: Iterable[Agreement],
    proceedings: Sequence[Proceeding],
    proceeding_labels: dict[int, str],
    notes: Footnotes,
) -> list[dict]:
    """The agreements with their provisions, the proceedings invoking each, and footnotes."""
    provision_invoked_by: dict[int, list[str]] = {}
    for proceeding in proceedings:
        for provision in proceeding.provisions.all():
            provision_invoked_by.setdefault(provision.pk, []).append(proceeding_labels[proceeding.pk])
    return [
        {
            "public_id": str(agreement.public_id),
            "title": agreement.title,
            "short_title": agreement.short_title,
            "kind": agreement.get_kind_display(),
            "status": agreement.get_status_display(),
            "parties": [country.name for country in agreement.party_countries],
            "milestones": _milestones(agreement, notes=notes),
            "summary": agreement.summary,
            "url": agreement.url,
            "invoked_by": _by_number(
                proceeding_labels[p.pk] for p in proceedings if agreement in p.agreements.all()
            ),
            "provisions": [
                {
                    "public_id": str(provision.public_id),
                    "number": provision.number,
                    "summary": provision.summary,
                    "text": provision.text,
                    "time_limit_days": provision.time_limit_days,
                    "invoked_by": provision_invoked_by.get(provision.pk, []),
                    "citations": notes.cite(provision.citations.all()),
                }
                for provision in agreement.provisions.all()
            ],
        }
        for agreement in agreements
    ]


def date_readings_section(readings: Iterable[DateReading], *, notes: Footnotes) -> dict[str, dict]:
    """What the sources say each date of a record is: ``{"signed": {"disputed", "readings"}}``,
    each reading with its date and footnotes, side by side when they differ."""
    return {
        field: {
            "disputed": entry["disputed"],
            "readings": [
                {
                    "date": _date(reading.value),
                    **({"comment": reading.note} if notes.comments and reading.note else {}),
                    "citations": notes.cite(reading.citations.all()),
                }
                for reading in entry["readings"]
            ],
        }
        for field, entry in date_readings_grouped(readings).items()
    }


def _milestones(agreement: Agreement, *, notes: Footnotes) -> list[dict]:
    """The agreement's known lifecycle dates in order, each with the readings of its sources."""
    readings = date_readings_section(agreement.date_readings.all(), notes=notes)
    entries = []
    for label, value in agreement.milestones():
        reading = readings.get(label.replace(" ", "_"), {"disputed": False, "readings": []})
        entries.append({"label": label, "date": _date(value), **reading})
    return entries


def bibliography_section(*, articles: Iterable[Article], notes: Footnotes) -> list[dict]:
    """The sources, keyed S1, S2 … as ``notes`` keyed them, with their text, hash and citing notes.

    Runs after every section has cited its sources, so that each lists all its notes.
    """
    return [
        {
            "id": notes.source_keys[article.pk],
            "public_id": str(article.public_id),
            "outlet": article.outlet.name,
            "authors": article.authors,
            "title": article.title,
            "published_on": article.published_on.isoformat() if article.published_on else None,
            "url": article.url,
            "language": article.language,
            "added_on": article.created_at.date().isoformat(),
            "sha256": article.sha256,
            "original": _original(article),
            "cited_in": sorted(notes.cited_in[notes.source_keys[article.pk]]),
            "text": article.body,
        }
        for article in articles
    ]


# The levels at which the evidence bundle carries a cited document's original bytes. A case's
# own papers (decisions, letters, scans) name the person and their file: never at ``public``.
DOCUMENT_LEVELS = (Level.FULL, Level.LEGAL)


def documents_section(*, documents: Iterable, notes: Footnotes, level: str) -> list[dict]:
    """The case's documents the dossier quotes, keyed D1, D2 …: what, when uploaded, the SHA-256
    of the original, and the notes quoting it. ``carried``: whether the bundle holds the file."""
    return [
        {
            "id": notes.document_keys[document.pk],
            "public_id": str(document.public_id),
            "title": document.title,
            "kind": document.kind,
            "kind_display": str(document.get_kind_display()),
            "content_type": document.content_type,
            "bytes": document.size,
            "sha256": document.sha256,
            "uploaded_at": document.created_at.isoformat(),
            "text_method": document.text_method,
            "carried": level in DOCUMENT_LEVELS,
            "cited_in": sorted(notes.cited_in[notes.document_keys[document.pk]]),
        }
        for document in documents
    ]


def _original(article: Article) -> dict | None:
    """The bytes the source was imported from, as the bibliography names them: hash, size,
    encoding, capture time. ``None`` for a source stored before originals were kept or typed in."""
    if not hasattr(article, "original"):  # a missing one-to-one raises an AttributeError
        return None
    original = article.original
    return {
        "sha256": original.sha256,
        "bytes": original.size,
        "encoding": original.encoding,
        "received_as": original.received_as,
        "format": original.format,
        "captured_at": original.captured_at.isoformat(),
    }


def bundle_originals(content: dict) -> dict[str, bytes]:
    """The bytes as received of the sources a dossier's content lists, by their public id
    (for the evidence bundle). One query."""
    ids = [source["public_id"] for source in content["sources"] if source.get("original")]
    rows = ArticleOriginal.objects.filter(article__public_id__in=ids).values_list(
        "article__public_id", "content"
    )
    # PostgreSQL gives a memoryview, SQLite bytes.
    originals = {str(public_id): bytes(data) for public_id, data in rows}
    # And the documents' files, decrypted and checked against their hash: a damaged file
    # raises TamperedDocument, and no bundle is made with it. One more query.
    carried = [entry["public_id"] for entry in content.get("documents", ()) if entry["carried"]]
    for document in Document.objects.filter(public_id__in=carried).defer("text"):
        originals[str(document.public_id)] = document_content(document=document)
    return originals


# -- shared -------------------------------------------------------------------------------------


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
    stamps += [r.updated_at for p in proceedings for r in p.date_readings.all()]
    stamps += [r.updated_at for a in agreements for r in a.date_readings.all()]
    stamps += [a.updated_at for a in articles]
    stamps += [c.document.updated_at for c in citations if c.document_id]
    for individual in case.subjects.all():
        stamps.append(individual.updated_at)
        if level != Level.PUBLIC:
            stamps += [alias.updated_at for alias in individual.aliases.all()]
        if level == Level.FULL and getattr(individual, "protected_identity", None):
            stamps.append(individual.protected_identity.updated_at)
    # Microseconds would make the PDF's metadata and the ZIP's timestamps look arbitrary.
    return max(stamps).replace(microsecond=0)
