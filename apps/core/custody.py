"""The tamper-evident custody record: the access log and every change history, hash-chained.

Every row written to a *sealed table* (the access log, registered by ``apps.access``, and every
django-simple-history table, found when the apps are ready) gets a link in
:class:`~apps.core.models.AuditSeal`, in the same transaction as the row. One chain per table;
a link holds its sequence number, the row it seals, a keyed digest of the row's content
(HMAC-SHA256 of a canonical JSON of its columns), the previous link's hash, and its own hash
(HMAC-SHA256 over all of that, with the key ``AUDIT_KEY`` names). So:

- a row changed in the database no longer matches its link's digest;
- a row removed leaves a link without its row; a row inserted has no link;
- a link changed, removed, inserted or moved breaks the hashes after it; without the key
  (which lives in the application's environment, never in the database or its backups)
  nobody can write a link that verifies.

Writers of a chain are serialised: :func:`_lock` takes the row lock of the ``*`` head first,
then the head of the chain (``SELECT … FOR UPDATE``, in one statement, in id order), so two
writers never pick the same number (the unique (chain, seq) constraint would refuse it
anyway) and writers of several chains never wait for each other in a cycle. On SQLite the
IMMEDIATE transactions (settings) already give one writer at a time. The locks are held
until the writing transaction commits.

A deletion through the application leaves a history row of type ``-`` (django-simple-history):
its link is a *tombstone*, naming what was deleted, by whom and why, with the digest of the
last state. Retention pruning (:func:`chain_prune`) deletes rows only with a signed ``prune``
link naming the range and a digest over the pruned rows' digests; links are never deleted.

:func:`audit_verify` walks every chain and the rows it seals; ``manage.py audit_verify``
prints its report. The design, key rotation and what a restore must carry are in
docs/architecture.md and docs/deployment.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from apps.core.models import AuditChain, AuditSeal

LOCK = "*"
GENESIS = "0" * 64
Kind = AuditSeal.Kind
ROW_KINDS = {Kind.SEAL, Kind.AMEND, Kind.TOMBSTONE, Kind.ADOPT}

_sealed: dict[str, type[models.Model]] = {}


# Which tables are sealed -------------------------------------------------------------------


def chain_name(model: type[models.Model]) -> str:
    """A chain is named by the table it seals."""
    return model._meta.db_table


def chain_register(model: type[models.Model]) -> None:
    """Seal every row written to ``model``'s table from now on (on save, same transaction).

    Rows written with ``bulk_create`` send no signal: their writer calls :func:`seal_rows`.
    """
    name = chain_name(model)
    _sealed[name] = model
    post_save.connect(_seal_on_save, sender=model, dispatch_uid=f"custody-seal-{name}")
    for column in model._meta.concrete_fields:
        if column.is_relation and getattr(column.remote_field, "on_delete", None) is models.SET_NULL:
            _watch_set_null(model, column)


def _watch_set_null(model: type[models.Model], column: models.ForeignKey) -> None:
    """Seal the rows a deletion sets to NULL (an access-log entry's user when the account goes).

    Django's collector changes them in the deleting transaction, between the two signals: the
    rows pointing at the deleted record are noted before, and sealed as amended after.
    """
    target = column.related_model
    uid = f"custody-null-{chain_name(model)}-{column.attname}"

    def before(sender, instance, using=None, **kwargs):
        rows = list(model._base_manager.using(using).filter(**{column.attname: instance.pk}).values_list("pk", flat=True))
        if rows:
            instance.__dict__.setdefault("_custody_nulled", []).append((model, column, rows))

    def after(sender, instance, using=None, **kwargs):
        for watched, nulled, rows in instance.__dict__.pop("_custody_nulled", []):
            columns = _columns(watched)
            stored = watched._base_manager.using(using).filter(pk__in=rows).order_by("pk")
            links = [
                (Kind.AMEND, str(values[0]), _row_content(columns, values),
                 {"fields": [nulled.name], "cause": f"deleted {sender._meta.label_lower} {instance.pk}"})
                for values in stored.values_list(*[c.attname for c in columns])
            ]
            if links:
                _append(using=using or DEFAULT_DB_ALIAS, chain=chain_name(watched), links=links)

    # weak=False: the receivers are closures, kept alive by the signal itself.
    pre_delete.connect(before, sender=target, weak=False, dispatch_uid=uid + "-before")
    post_delete.connect(after, sender=target, weak=False, dispatch_uid=uid + "-after")


def history_chains_register() -> None:
    """Seal every django-simple-history table (called when the apps are ready)."""
    from simple_history.models import HistoricalChanges
    from simple_history.signals import post_create_historical_m2m_records

    for model in django_apps.get_models():
        if issubclass(model, HistoricalChanges):
            chain_register(model)
            # The many-to-many versions (a case's subjects) are written with bulk_create.
            post_create_historical_m2m_records.connect(
                _seal_m2m_versions, sender=model, dispatch_uid=f"custody-seal-m2m-{chain_name(model)}"
            )


def _seal_m2m_versions(sender, created_rows, history_instance, **kwargs):
    seal_rows(model=sender, rows=created_rows, using=history_instance._state.db)


def heads_ensure(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Make the head of every chain (after ``migrate``), so a first write need not make one."""
    names = [LOCK, *sorted(_sealed)]
    AuditChain.objects.using(using).bulk_create([AuditChain(name=name) for name in names], ignore_conflicts=True)


def sealed_models() -> dict[str, type[models.Model]]:
    """The sealed tables, by chain name."""
    return dict(_sealed)


def _seal_on_save(sender, instance, created, raw=False, using=None, **kwargs):
    # A fixture (loaddata, raw) brings its rows' links with it (docs/deployment.md); an
    # existing row saved again is a change the chain must show, so it is not re-sealed.
    if raw or not created:
        return
    seal_rows(model=sender, rows=[instance], using=using)


# Keys and digests ------------------------------------------------------------------------


def _keys() -> list[bytes]:
    keys = [key.encode() for key in settings.AUDIT_KEY if key]
    if not keys:
        raise ValueError("AUDIT_KEY is empty: the custody record cannot be sealed.")
    return keys


def key_id(key: bytes) -> str:
    """A key's public name, stored in each link: a keyed hash, so it tells nothing of the key."""
    return hmac.new(key, b"casetracker audit key id", hashlib.sha256).hexdigest()[:16]


def _keys_by_id() -> dict[str, bytes]:
    return {key_id(key): key for key in _keys()}


def _plain(value):
    """A JSON value that reads the same from the instance just saved and from the database."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def _columns(model: type[models.Model]) -> list[models.Field]:
    """The row's columns, its primary key first."""
    pk = model._meta.pk
    return [pk, *(column for column in model._meta.concrete_fields if column is not pk)]


def _normal(column: models.Field, value):
    if value is not None and not isinstance(column, models.JSONField):
        try:
            value = column.to_python(value)
        except (ValidationError, TypeError, ValueError):
            pass
    return _plain(value)


def _canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _row_content(columns: Sequence[models.Field], values: Sequence) -> dict:
    return {column.attname: _normal(column, value) for column, value in zip(columns, values, strict=True)}


def row_digest(key: bytes, content: dict) -> str:
    """The keyed digest of a row's canonical content (a plain hash of a name could be guessed)."""
    return hmac.new(key, _canonical(content), hashlib.sha256).hexdigest()


def _link_hash(key: bytes, seal: AuditSeal) -> str:
    payload = [
        seal.chain, seal.seq, str(seal.kind), seal.row_id, seal.digest, seal.prev, seal.key_id,
        _plain(seal.at), _plain(seal.detail),
    ]
    return hmac.new(key, _canonical(payload), hashlib.sha256).hexdigest()


# Writing links -----------------------------------------------------------------------------


def _lock(using: str, chain: str) -> AuditChain:
    """Hold the ``*`` head, then ``chain``'s head, until the transaction ends; return the latter."""
    manager = AuditChain.objects.using(using)

    def locked():
        return {head.name: head for head in manager.select_for_update().filter(name__in=[LOCK, chain]).order_by("pk")}

    heads = locked()
    if len(heads) < 2:
        # The first link of a chain (or after a test flush): make the heads; a concurrent
        # writer making the same one waits for this insert and then does nothing.
        manager.bulk_create([AuditChain(name=name) for name in (LOCK, chain) if name not in heads], ignore_conflicts=True)
        heads = locked()
    return heads[chain]


def _append(*, using: str, chain: str, links: list[tuple[str, str, dict | str, dict]]) -> list[AuditSeal]:
    """Append links ``(kind, row id, row content or a digest already made, detail)`` to ``chain``."""
    signing_key = _keys()[0]
    signing_id = key_id(signing_key)
    # No savepoint: a link that cannot be written fails the writer's whole transaction.
    with transaction.atomic(using=using, savepoint=False):
        head = _lock(using, chain)
        seq, prev, now = head.seq, head.head or GENESIS, timezone.now()
        seals = []
        for kind, row_id, content, detail in links:
            seq += 1
            seal = AuditSeal(
                chain=chain,
                seq=seq,
                kind=kind,
                row_id=row_id,
                digest=row_digest(signing_key, content) if isinstance(content, dict) else content,
                prev=prev,
                key_id=signing_id,
                at=now,
                detail=detail,
            )
            seal.mac = prev = _link_hash(signing_key, seal)
            seals.append(seal)
        AuditSeal.objects.using(using).bulk_create(seals)
        AuditChain.objects.using(using).filter(pk=head.pk).update(seq=seq, head=prev)
    return seals


def _tombstone_detail(row) -> dict:
    tracked = row.instance_type
    detail = {
        "model": tracked._meta.label_lower,
        "object": str(getattr(row, tracked._meta.pk.attname)),
        "by": row.history_user.get_username() if row.history_user_id else "",
        "reason": row.history_change_reason or "",
    }
    if hasattr(row, "public_id"):
        detail["public_id"] = str(row.public_id)
    return detail


def seal_rows(*, model: type[models.Model], rows: Iterable[models.Model], using: str | None = None) -> list[AuditSeal]:
    """Seal ``rows`` just written to ``model``'s table, in the writer's transaction.

    The post-save signal calls it for each row saved; a writer that uses ``bulk_create`` (or a
    data migration that writes history rows) calls it itself. A history row of type ``-``
    (a deletion) is sealed as a tombstone.
    """
    rows = list(rows)
    if not rows:
        return []
    columns = _columns(model)
    links = []
    for row in rows:
        content = _row_content(columns, [getattr(row, column.attname) for column in columns])
        if getattr(row, "history_type", None) == "-":
            links.append((Kind.TOMBSTONE, str(row.pk), content, _tombstone_detail(row)))
        else:
            links.append((Kind.SEAL, str(row.pk), content, {}))
    return _append(using=using or rows[0]._state.db or DEFAULT_DB_ALIAS, chain=chain_name(model), links=links)


def history_reason_note(*, row: models.Model, reason: str) -> None:
    """Give a history row just written its change reason, and seal the amended row.

    The admin writes its summary of a change ("Changed title. Added fact …") on the version
    the change made, which it knows only after every inline is saved. The amendment is a link
    of its own: the chain shows the row as first written and as amended.
    """
    model = type(row)
    model._base_manager.using(row._state.db).filter(pk=row.pk).update(history_change_reason=reason)
    row.history_change_reason = reason
    columns = _columns(model)
    content = _row_content(columns, [getattr(row, column.attname) for column in columns])
    _append(
        using=row._state.db or DEFAULT_DB_ALIAS,
        chain=chain_name(model),
        links=[(Kind.AMEND, str(row.pk), content, {"fields": ["history_change_reason"]})],
    )


def _latest_links(using: str, chain: str, *, below: int | None = None) -> dict[str, tuple[int, str, str]]:
    """Each row's latest link: row id → (seq, digest, key id)."""
    seals = AuditSeal.objects.using(using).filter(chain=chain, kind__in=ROW_KINDS)
    if below is not None:
        seals = seals.filter(seq__lt=below)
    latest = {}
    for row_id, seq, digest, key in seals.order_by("seq").values_list("row_id", "seq", "digest", "key_id").iterator():
        latest[row_id] = (seq, digest, key)
    return latest


def _range_digest(key: bytes, links: list[tuple[str, int, str]]) -> str:
    return hmac.new(key, _canonical(sorted(links, key=lambda link: link[1])), hashlib.sha256).hexdigest()


def _pruned_through(using: str, chain: str) -> int:
    last = AuditSeal.objects.using(using).filter(chain=chain, kind=Kind.PRUNE).order_by("-seq").first()
    return int(last.detail["through_seq"]) if last else 0


@transaction.atomic
def chain_prune(*, model: type[models.Model], rows: models.QuerySet, by: str, reason: str) -> int:
    """Delete ``rows`` of a sealed table (retention), leaving a signed ``prune`` link.

    Only a run of the chain can be pruned: the rows whose latest link comes before the first
    link of a row that stays. Rows of ``rows`` sealed after that wait for the next run. The
    link names the range (``after_seq``–``through_seq``), how many rows, who and why, and a
    digest over the pruned rows' own digests. Returns the number of rows deleted.
    """
    using, chain = rows.db, chain_name(model)
    head = _lock(using, chain)
    after = _pruned_through(using, chain)
    latest = _latest_links(using, chain)
    doomed = {str(pk) for pk in rows.values_list("pk", flat=True)}
    kept = {str(pk) for pk in model._base_manager.using(using).values_list("pk", flat=True)} - doomed
    kept_seqs = [latest[row][0] for row in kept if row in latest and latest[row][0] > after]
    through = min(kept_seqs) - 1 if kept_seqs else head.seq
    pruned = [(row, seq, digest) for row, (seq, digest, _key) in latest.items() if after < seq <= through]
    if not pruned:
        return 0
    key = _keys()[0]
    detail = {
        "after_seq": after,
        "through_seq": through,
        "rows": len(pruned),
        "by": by,
        "reason": reason,
    }
    _append(using=using, chain=chain, links=[(Kind.PRUNE, "", _range_digest(key, pruned), detail)])
    model._base_manager.using(using).filter(pk__in=[row for row, _seq, _digest in pruned]).delete()
    return len(pruned)


def chains_adopt(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Seal the rows of every sealed table whose chain is still empty (a deployment upgraded).

    Rows written before the chains existed cannot be vouched for; their ``adopt`` links say
    so, and from then on they are held like the others. A table whose chain has links is left
    alone: a row without a link there is a break that :func:`audit_verify` reports.
    """
    adopted = {}
    for chain, model in sealed_models().items():
        with transaction.atomic(using=using):
            _lock(using, chain)
            if AuditSeal.objects.using(using).filter(chain=chain).exists():
                continue
            columns = _columns(model)
            links = [
                (Kind.ADOPT, str(values[0]), _row_content(columns, values), {})
                for values in model._base_manager.using(using).order_by("pk").values_list(*[c.attname for c in columns]).iterator()
            ]
            if links:
                _append(using=using, chain=chain, links=links)
                adopted[chain] = len(links)
    return adopted


# Verifying --------------------------------------------------------------------------------


@dataclass
class Break:
    """One place where a chain or the rows it seals are not as sealed."""

    chain: str
    seq: int | None
    row: str
    problem: str
    expected: str = ""
    found: str = ""

    def __str__(self) -> str:
        where = f"{self.chain} link #{self.seq}" if self.seq is not None else self.chain
        text = f"{where}, row {self.row or '-'}: {self.problem}"
        if self.expected or self.found:
            text += f" (expected {self.expected or '-'}, found {self.found or '-'})"
        return text


@dataclass
class ChainReport:
    chain: str
    links: int = 0
    rows: int = 0
    head_seq: int = 0
    head: str = ""
    breaks: list[Break] = field(default_factory=list)


def _verify_chain(using: str, chain: str, keys: dict[str, bytes]) -> ChainReport:
    report = ChainReport(chain=chain)
    breaks = report.breaks
    expected_seq, prev = 1, GENESIS
    latest: dict[str, tuple[int, str, str]] = {}
    pruned: set[str] = set()
    after = 0
    for seal in AuditSeal.objects.using(using).filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        report.links += 1
        if seal.seq != expected_seq:
            breaks.append(Break(chain, seal.seq, seal.row_id, "links missing or inserted before this one",
                                f"#{expected_seq}", f"#{seal.seq}"))
        if seal.prev != prev:
            breaks.append(Break(chain, seal.seq, seal.row_id, "the previous hash does not match: a link was changed, "
                                "removed, inserted or moved before this one", prev, seal.prev))
        key = keys.get(seal.key_id)
        if key is None:
            breaks.append(Break(chain, seal.seq, seal.row_id, f"sealed with key {seal.key_id}, which AUDIT_KEY no longer holds"))
        elif not hmac.compare_digest(_link_hash(key, seal), seal.mac):
            breaks.append(Break(chain, seal.seq, seal.row_id, "this link was changed", _link_hash(key, seal), seal.mac))
        if seal.kind in ROW_KINDS:
            latest[seal.row_id] = (seal.seq, seal.digest, seal.key_id)
        elif seal.kind == Kind.PRUNE and key is not None:
            through = int(seal.detail.get("through_seq", 0))
            run = [(row, seq, digest) for row, (seq, digest, _key) in latest.items() if after < seq <= through]
            if _range_digest(key, run) != seal.digest:
                breaks.append(Break(chain, seal.seq, "", "the pruned range does not match its links",
                                    seal.digest, _range_digest(key, run)))
            pruned.update(row for row, _seq, _digest in run)
            after = through
        expected_seq, prev = seal.seq + 1, seal.mac
    head = AuditChain.objects.using(using).filter(name=chain).first()
    report.head_seq, report.head = (head.seq, head.head) if head else (0, "")
    if report.head_seq != expected_seq - 1 or (report.head or GENESIS) != prev:
        breaks.append(Break(chain, report.head_seq, "", "the chain's head does not match its last link: links were removed "
                            "from its end or added behind the application's back",
                            f"#{report.head_seq} {report.head}", f"#{expected_seq - 1} {prev}"))

    model = _sealed.get(chain)
    if model is None:
        return report
    columns = _columns(model)
    seen = set()
    unsealed = []
    rows = model._base_manager.using(using).order_by("pk").values_list(*[c.attname for c in columns])
    for values in rows.iterator(chunk_size=2000):
        report.rows += 1
        content = _row_content(columns, values)
        row_id = str(values[0])
        seen.add(row_id)
        link = latest.get(row_id)
        if link is None:
            unsealed.append(Break(chain, None, row_id, "this row has no link: it was written behind the application's back "
                                  "(or restored without the audit seals)"))
            continue
        key = keys.get(link[2])
        found = row_digest(key, content) if key else ""
        if key and found != link[1]:
            breaks.append(Break(chain, link[0], row_id, "this row was changed after it was sealed", link[1], found))
    for row_id in latest.keys() - seen - pruned:
        seq, digest, _key = latest[row_id]
        breaks.append(Break(chain, seq, row_id, "this row was deleted behind the application's back", digest, "no row"))
    breaks.sort(key=lambda item: item.seq if item.seq is not None else 0)
    breaks.extend(unsealed)
    return report


def audit_verify(*, chains: Iterable[str] | None = None, using: str = DEFAULT_DB_ALIAS) -> list[ChainReport]:
    """Walk every chain (or those named) and the rows it seals; one report per chain.

    The function the nightly job calls (``manage.py audit_verify`` prints it): a chain is
    whole when its report has no ``breaks``. Each break names the table, the link and the
    row, with what was expected and what was found, first break first.
    """
    keys = _keys_by_id()
    names = set(sealed_models())
    names.update(AuditSeal.objects.using(using).values_list("chain", flat=True).distinct())
    if chains is not None:
        wanted = set(chains)
        unknown = wanted - names
        if unknown:
            raise ValueError(f"No such chain: {', '.join(sorted(unknown))}.")
        names &= wanted
    return [_verify_chain(using, chain, keys) for chain in sorted(names)]
