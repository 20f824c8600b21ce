"""Building the seed fixture from the seed articles and the curated spec.

Everything is written through the services, so each quote is checked against the cleaned
article and its offsets computed exactly as for a caseworker's citation. The build happens in
a transaction that is always rolled back: it leaves no trace in the database it runs on.

The output is deterministic: public IDs are uuid5(namespace, "<kind>:<key>"), timestamps are
fixed, records are written in spec order and many-to-many lists sorted, so the same seeds and
spec give a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from apps.agreements.models import Agreement, Provision
from apps.agreements.services import agreement_create, provision_add
from apps.cases.models import Case, Fact
from apps.cases.services import case_open, fact_mark_disputed, fact_record
from apps.deadlines.models import Deadline, DeadlineRule
from apps.deadlines.services import deadline_rule_create
from apps.people.models import Alias, Individual, Organization
from apps.people.services import alias_add, individual_create, organization_create
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.services import proceeding_event_add, proceeding_record
from apps.sources.addresses import url_variants
from apps.sources.ingestion.importer import article_extract, article_import
from apps.sources.models import Article, ArticleOriginal, Citation, DateReading
from apps.sources.normal_form import body_sha256
from apps.sources.services import citation_add, date_reading_add

# Loading order: every record after the ones it points to.
MODEL_ORDER: tuple[type[models.Model], ...] = (
    Organization,
    Individual,
    Alias,
    Agreement,
    Provision,
    Article,
    ArticleOriginal,
    Case,
    Fact,
    Proceeding,
    ProceedingEvent,
    DateReading,
    Citation,
    DeadlineRule,
    Deadline,
)


class SeedError(Exception):
    """The spec or the seeds are wrong; the message says where."""


@dataclass
class SeedArticle:
    """One seed article as it will be stored."""

    key: str
    file: str
    raw_text: str
    body: str
    metadata: dict[str, Any]
    content: bytes = b""


@dataclass
class _Build:
    spec: dict[str, Any]
    namespace: uuid.UUID
    organizations: dict[str, Organization] = field(default_factory=dict)
    individuals: dict[str, Individual] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    provisions: dict[str, Provision] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    rules: dict[str, DeadlineRule] = field(default_factory=dict)
    created: dict[type[models.Model], list[int]] = field(default_factory=dict)

    def public_id(self, kind: str, key: str) -> uuid.UUID:
        return uuid.uuid5(self.namespace, f"{kind}:{key}")

    def track(self, instance: models.Model) -> None:
        self.created.setdefault(type(instance), []).append(instance.pk)


def load_spec(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    for section in ("namespace", "timestamp", "organizations", "articles", "individuals", "agreements", "cases"):
        if section not in spec:
            raise SeedError(f"{path}: the spec has no “{section}” section.")
    return spec


def read_seed_articles(*, seeds_dir: Path, spec: dict[str, Any]) -> list[SeedArticle]:
    """Read each seed article named in the spec through the importer's extraction.

    The same code that imports a caseworker's file cleans the seeds; the spec's curated title
    and address steer it exactly as a caseworker's corrections would.
    """
    articles = []
    for entry in spec["articles"]:
        path = seeds_dir / entry["file"]
        if not path.is_file():
            raise SeedError(f"Seed article {entry['key']}: {path} does not exist.")
        content = path.read_bytes()
        try:
            draft = article_extract(
                content=content, filename=path.name, title=entry["title"], url=entry.get("url", "")
            )
        except ValidationError as error:
            raise SeedError(f"Seed article {entry['key']} ({path.name}): {' '.join(error.messages)}") from error
        articles.append(
            SeedArticle(key=entry["key"], file=entry["file"], raw_text=draft.raw_text, body=draft.body,
                        metadata=entry, content=content)
        )
    return articles


def _all_supports(spec: dict[str, Any]):
    """(where, support) for every quote in the spec, to check them all before writing."""
    for agreement in spec["agreements"]:
        for provision in agreement.get("provisions", []):
            for support in provision.get("supports", []):
                yield f"provision {agreement['key']}/{provision['key']}", support
        for reading in agreement.get("date_readings", []):
            for support in reading.get("supports", []):
                yield f"date reading {agreement['key']}/{reading['key']}", support
    for case in spec["cases"]:
        for proceeding in case.get("proceedings", []):
            for support in proceeding.get("supports", []):
                yield f"proceeding {case['reference']}/{proceeding['key']}", support
        for fact in case.get("facts", []):
            for support in fact.get("supports", []):
                yield f"fact {case['reference']}/{fact['key']}", support


def check_quotes(*, spec: dict[str, Any], articles: list[SeedArticle]) -> None:
    """Raise SeedError listing every quote that is not in its article's cleaned body."""
    bodies = {article.key: article for article in articles}
    problems = []
    for where, support in _all_supports(spec):
        article = bodies.get(support["article"])
        if article is None:
            problems.append(f"{where}: unknown article “{support['article']}”.")
        elif support["quote"] not in article.body:
            problems.append(
                f"{where}: quote not found in article {article.key} ({article.file}): “{support['quote']}”"
            )
    if problems:
        raise SeedError("Quotes not found in the cleaned articles:\n  " + "\n  ".join(problems))


def build_seed_fixture(*, seeds_dir: Path, spec_path: Path) -> str:
    """The seed fixture as JSON text, built in a transaction that is rolled back."""
    spec = load_spec(spec_path)
    articles = read_seed_articles(seeds_dir=seeds_dir, spec=spec)
    check_quotes(spec=spec, articles=articles)
    build = _Build(spec=spec, namespace=uuid.UUID(str(spec["namespace"])))
    with transaction.atomic():
        try:
            _clear_the_way(build, articles)
            _create_everything(build, articles)
            _fix_timestamps(build)
            text = _serialize(build)
        except ValidationError as error:
            raise SeedError(f"The services refused the seed: {error}") from error
        finally:
            transaction.set_rollback(True)
    return text


# -- the build ------------------------------------------------------------------------------


def _clear_the_way(build: _Build, articles: list[SeedArticle]) -> None:
    """Inside the doomed transaction, remove records the seed would collide with.

    Running the builder on a database where the seed is already loaded (or where a caseworker
    recorded the same organization or article) must still work; the deletions are rolled back
    with everything else.
    """
    spec = build.spec
    org_ids = [build.public_id("organization", entry["key"]) for entry in spec["organizations"]]
    org_names = [entry["name"] for entry in spec["organizations"]]
    article_ids = [build.public_id("article", article.key) for article in articles]
    hashes = [body_sha256(article.body) for article in articles]
    urls = [
        variant
        for article in articles
        if article.metadata.get("url")
        for variant in url_variants(article.metadata["url"])
    ]
    try:
        cases = Case.objects.filter(
            models.Q(reference__in=[case["reference"] for case in spec["cases"]])
            | models.Q(public_id__in=[build.public_id("case", case["reference"]) for case in spec["cases"]])
        )
        # Appeals protect the proceedings they challenge: delete the last of each chain first.
        proceedings = Proceeding.objects.filter(case__in=cases)
        for _depth in range(100):
            if not proceedings.exists():
                break
            proceedings.filter(appeals__isnull=True).delete()
        cases.delete()
        DeadlineRule.objects.filter(
            public_id__in=[build.public_id("deadline-rule", entry["key"]) for entry in spec.get("deadline_rules", [])]
        ).delete()
        stored = Article.objects.filter(
            models.Q(public_id__in=article_ids) | models.Q(sha256__in=hashes) | models.Q(url__in=urls)
        )
        Citation.objects.filter(article__in=stored).delete()
        stored.delete()
        Agreement.objects.filter(
            public_id__in=[build.public_id("agreement", entry["key"]) for entry in spec["agreements"]]
        ).delete()
        Individual.objects.filter(
            public_id__in=[build.public_id("individual", entry["key"]) for entry in spec["individuals"]]
        ).delete()
        # Children before parents: an organization's branches protect it.
        colliding = list(
            Organization.objects.filter(models.Q(public_id__in=org_ids) | models.Q(name__in=org_names))
        )
        while colliding:
            leaves = [org for org in colliding if not any(other.parent_id == org.pk for other in colliding)]
            if not leaves:
                break
            Organization.objects.filter(pk__in=[org.pk for org in leaves]).delete()
            colliding = [org for org in colliding if org not in leaves]
    except ProtectedError as error:
        raise SeedError(
            "This database holds records that refer to seed records (e.g. a caseworker's proceeding "
            "before a seed authority), so the seed cannot be rebuilt here. Run the builder on a fresh "
            f"database (DATABASE_URL=…). Details: {error.args[0]}"
        ) from error


def _create_everything(build: _Build, articles: list[SeedArticle]) -> None:
    spec = build.spec
    for entry in spec["organizations"]:
        parent = build.organizations[entry["parent"]] if entry.get("parent") else None
        organization = organization_create(
            name=entry["name"],
            kind=entry["kind"],
            country=entry.get("country", ""),
            short_name=entry.get("short_name", ""),
            parent=parent,
            website=entry.get("website", ""),
            notes=entry.get("notes", ""),
            public_id=build.public_id("organization", entry["key"]),
        )
        build.organizations[entry["key"]] = organization
        build.track(organization)

    for entry in spec["individuals"]:
        individual = individual_create(
            pseudonym=entry["pseudonym"],
            nationality=entry.get("nationality", ""),
            born=entry.get("born"),
            status=entry.get("status", Individual.Status.UNKNOWN),
            summary=entry.get("summary", ""),
            public_id=build.public_id("individual", entry["key"]),
        )
        build.individuals[entry["key"]] = individual
        build.track(individual)
        for alias in entry.get("aliases", []):
            build.track(
                alias_add(
                    individual=individual,
                    name=alias["name"],
                    script=alias.get("script", Alias.Script.LATIN),
                    transliteration=alias.get("transliteration", ""),
                    note=alias.get("note", ""),
                    public_id=build.public_id("alias", f"{entry['key']}/{alias['key']}"),
                )
            )

    for article in articles:
        _create_article(build, article)

    for entry in spec["agreements"]:
        _create_agreement(build, entry)

    # Rules before cases: recording a case's events then starts its deadlines, as it would for
    # a caseworker.
    for entry in spec.get("deadline_rules", []):
        _create_rule(build, entry)

    for entry in spec["cases"]:
        _create_case(build, entry)


def _create_rule(build: _Build, entry: dict) -> None:
    rule = deadline_rule_create(
        name=entry["name"],
        proceeding_kind=entry.get("proceeding_kind", ""),
        event_kind=entry["event_kind"],
        outcome=entry.get("outcome", ""),
        jurisdiction=entry.get("jurisdiction", ""),
        offset=entry.get("offset"),
        unit=entry.get("unit", DeadlineRule.Unit.CALENDAR_DAYS),
        roll_forward=entry.get("roll_forward", True),
        calendar_country=entry.get("calendar_country", ""),
        provision=build.provisions[entry["provision"]] if entry.get("provision") else None,
        notes=" ".join(entry.get("notes", "").split()),
        public_id=build.public_id("deadline-rule", entry["key"]),
    )
    build.rules[entry["key"]] = rule
    build.track(rule)


def _create_article(build: _Build, article: SeedArticle) -> None:
    meta = article.metadata
    corrections = {"authors": meta.get("authors") or [], "published_on": meta.get("published_on")}
    if meta.get("language"):
        corrections["language"] = meta["language"]
    result = article_import(
        content=article.content,
        filename=article.file,
        title=meta["title"],
        url=meta.get("url", ""),
        outlet=build.organizations[meta["outlet"]],
        corrections=corrections,
        public_id=build.public_id("article", article.key),
    )
    if not result.created:
        raise SeedError(
            f"Seed article {article.key} ({article.file}) duplicates the seed article "
            f"“{result.article.title}”."
        )
    build.articles[article.key] = result.article
    build.track(result.article)
    # The seed file's bytes as given: the seeds are plain text, so the original is that text.
    build.track(result.article.original)


def _supports(build: _Build, target_kind: str, target_key: str, entries: list[dict]) -> list[dict]:
    return [
        {
            "article": build.articles[entry["article"]],
            "quote": entry["quote"],
            "start": entry.get("start"),
            "note": entry.get("note", ""),
            "public_id": build.public_id("citation", f"{target_kind}:{target_key}:{index}"),
        }
        for index, entry in enumerate(entries)
    ]


def _create_agreement(build: _Build, entry: dict) -> None:
    agreement = agreement_create(
        title=" ".join(entry["title"].split()),
        kind=entry["kind"],
        short_title=entry.get("short_title", ""),
        party_countries=entry.get("party_countries", []),
        party_organizations=[build.organizations[key] for key in entry.get("party_organizations", [])],
        drafted=entry.get("drafted"),
        signed=entry.get("signed"),
        ratified=entry.get("ratified"),
        in_force=entry.get("in_force"),
        status=entry.get("status", Agreement.Status.UNKNOWN),
        summary=entry.get("summary", ""),
        url=entry.get("url", ""),
        public_id=build.public_id("agreement", entry["key"]),
    )
    build.agreements[entry["key"]] = agreement
    build.track(agreement)
    for provision_entry in entry.get("provisions", []):
        key = f"{entry['key']}/{provision_entry['key']}"
        provision = provision_add(
            agreement=agreement,
            summary=" ".join(provision_entry["summary"].split()),
            number=provision_entry.get("number", ""),
            text=provision_entry.get("text", ""),
            time_limit_days=provision_entry.get("time_limit_days"),
            public_id=build.public_id("provision", key),
        )
        build.provisions[key] = provision
        build.track(provision)
        for support in _supports(build, "provision", key, provision_entry.get("supports", [])):
            build.track(citation_add(provision=provision, **support))
    for reading_entry in entry.get("date_readings", []):
        key = f"{entry['key']}/{reading_entry['key']}"
        reading = date_reading_add(
            agreement=agreement,
            field=reading_entry["field"],
            value=reading_entry["value"],
            note=" ".join(reading_entry.get("note", "").split()),
            supports=_supports(build, "date_reading", key, reading_entry["supports"]),
            public_id=build.public_id("date_reading", key),
        )
        build.track(reading)
        for citation in reading.citations.order_by("public_id"):
            build.track(citation)


def _create_case(build: _Build, entry: dict) -> None:
    reference = entry["reference"]
    case = case_open(
        title=entry["title"],
        organization=build.organizations[entry["organization"]],
        subjects=[build.individuals[key] for key in entry["subjects"]],
        opened_on=entry["opened_on"],
        reference=reference,
        priority=Case.Priority[entry.get("priority", "normal").upper()],
        status=entry.get("status", Case.Status.OPEN),
        summary=" ".join(entry.get("summary", "").split()),
        public_id=build.public_id("case", reference),
    )
    build.track(case)

    proceedings: dict[str, Proceeding] = {}
    for item in entry.get("proceedings", []):
        key = f"{reference}/{item['key']}"
        proceeding = proceeding_record(
            case=case,
            kind=item["kind"],
            authority=build.organizations[item["authority"]],
            filed=item.get("filed"),
            decided=item.get("decided"),
            outcome=item.get("outcome", Proceeding.Outcome.PENDING),
            status=item.get("status", Proceeding.Status.PENDING),
            country=item.get("country", ""),
            reference_number=item.get("reference_number", ""),
            subject=build.individuals[item["subject"]] if item.get("subject") else None,
            appeal_of=proceedings[item["appeal_of"]] if item.get("appeal_of") else None,
            summary=" ".join(item.get("summary", "").split()),
            agreements=[build.agreements[name] for name in item.get("agreements", [])],
            provisions=[build.provisions[name] for name in item.get("provisions", [])],
            supports=_supports(build, "proceeding", key, item.get("supports", [])),
            public_id=build.public_id("proceeding", key),
        )
        proceedings[item["key"]] = proceeding
        build.track(proceeding)
        for event in item.get("events", []):
            build.track(
                proceeding_event_add(
                    proceeding=proceeding,
                    kind=event["kind"],
                    date=event["date"],
                    description=event.get("description", ""),
                    public_id=build.public_id("event", f"{key}/{event['key']}"),
                )
            )

    facts: dict[str, Fact] = {}
    for item in entry.get("facts", []):
        key = f"{reference}/{item['key']}"
        fact = fact_record(
            case=case,
            statement=" ".join(item["statement"].split()),
            date=item.get("date"),
            supports=_supports(build, "fact", key, item.get("supports", [])),
            internal=item.get("internal", False),
            public_id=build.public_id("fact", key),
        )
        facts[item["key"]] = fact
        build.track(fact)
    # Contradictions once every fact exists: either side may name the other first.
    for item in entry.get("facts", []):
        others = item.get("contradicts", [])
        if others:
            missing = [name for name in others if name not in facts]
            if missing:
                raise SeedError(f"Fact {reference}/{item['key']} contradicts unknown facts {missing}.")
            fact_mark_disputed(fact=facts[item["key"]], contradicts=[facts[name] for name in others])

    # Deadlines were started by the services as the events were recorded: give them stable ids.
    for deadline in Deadline.objects.filter(case=case).select_related("rule", "trigger").order_by("pk"):
        public_id = build.public_id("deadline", f"{deadline.rule.public_id}:{deadline.trigger.public_id}")
        Deadline.objects.filter(pk=deadline.pk).update(public_id=public_id)
        build.track(deadline)

    # Citations were created by the services: track them for the fixture.
    for citation in Citation.objects.filter(
        models.Q(fact__case=case) | models.Q(proceeding__case=case)
    ).order_by("public_id"):
        build.track(citation)


def _fix_timestamps(build: _Build) -> None:
    moment = dt.datetime.fromisoformat(str(build.spec["timestamp"]))
    for model, pks in build.created.items():
        stamps = {"created_at": moment, "updated_at": moment}
        if model is ArticleOriginal:
            stamps["captured_at"] = moment
        model.objects.filter(pk__in=pks).update(**stamps)


def _serialize(build: _Build) -> str:
    records: list[dict[str, Any]] = []
    for model in MODEL_ORDER:
        pks = list(dict.fromkeys(build.created.get(model, [])))
        by_pk = model.objects.in_bulk(pks)
        instances = [by_pk[pk] for pk in pks]
        if model is Citation:
            instances.sort(key=lambda citation: str(citation.public_id))
        text = serializers.serialize(
            "json", instances, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        records.extend(json.loads(text))
    for record in records:
        record.pop("pk", None)
        for name, value in record["fields"].items():
            # Many-to-many lists come in database order, which is not stable across builds.
            if isinstance(value, list) and value and isinstance(value[0], list):
                record["fields"][name] = sorted(value)
    return json.dumps(records, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
