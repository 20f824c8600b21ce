import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# {(field, language): {stored value: its label in that language}}: see Versioned._get_FIELD_display.
_choice_labels: dict[tuple[models.Field, str | None], dict] = {}


def choice_labels_forget(*, setting: str, **_signal_kwargs) -> None:
    """Forget the labels read so far when the languages or their catalogues change (a
    ``setting_changed`` receiver: tests override these settings)."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _choice_labels.clear()


def choice_labels(field: models.Field) -> dict:
    """A field's choices as {stored value: label}, the labels translated into the active
    language, built once per field and language."""
    key = (field, get_language())
    labels = _choice_labels.get(key)
    if labels is None:
        labels = {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}
        _choice_labels[key] = labels
    return labels


class PublicIdManager(models.Manager):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


class Versioned(models.Model):
    """A record with a row version: 1 when created, one more on every write.

    The version is what a client or an admin form names when it says "the record as I saw it"
    (the API's ETag and If-Match, the admin form's hidden version). It is incremented in SQL
    (``version = version + 1``) by :func:`apps.core.services.version_bump`, never computed in
    Python, so that two concurrent writes both count. A plain column rather than
    django-concurrency: every write already goes through ``record_update`` and its siblings,
    which take the expected version there, and the admin's refusal reuses the services' own
    refusal path (``RefusalForm``).
    """

    # A database default too: rows inserted by raw SQL or by a worker still running the
    # previous release during a deploy start at 1 rather than fail.
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, help_text=_("Incremented by every write; the API's ETag."), verbose_name=_("version")
    )

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        # Django's get_FOO_display() builds a dict of every choice of the field, translating
        # and hashing each label, on every call: a 100-row changelist showing a proceeding's
        # kind, outcome and status did it 300 times (a fifth of the page's Python,
        # docs/performance.md). Choices given as a list are fixed, so their labels are read
        # once per language; anything else (a country field's) is Django's.
        if not isinstance(field.choices, (list, tuple)):
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)


class PublicRecord(Versioned):
    """A record with a stable public identifier and timestamps.

    The UUID is what URLs, fixtures and integrations use: it never changes and, unlike an
    auto-increment id, does not tell an outsider how many people the NGO follows.
    """

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = PublicIdManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (str(self.public_id),)


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the first answer to it (apps.core.idempotency).

    Per user: two integrations choosing the same key do not see each other's answers. A row
    with no ``status`` is a request still in flight. Kept 24 hours (``IDEMPOTENCY_KEY_HOURS``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    key = models.CharField(max_length=255, verbose_name=_("key"))
    # SHA-256 of the method, the path and the request's parsed content: a retry must match it.
    fingerprint = models.CharField(max_length=64, blank=True, verbose_name=_("fingerprint"))
    status = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("status"))
    # The headers replayed with the body: Content-Type, Location, ETag.
    headers = models.JSONField(default=dict, blank=True, verbose_name=_("headers"))
    body = models.BinaryField(blank=True, default=b"", verbose_name=_("body"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} of {self.user_id}"


class AuditChainManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class AuditChain(models.Model):
    """The head of one hash chain (apps.core.custody): its last sequence number and hash.

    One row per sealed table, named by the table; the row named ``*`` is the lock every writer
    takes first, so that writers of several chains never wait for each other in a cycle.
    """

    name = models.CharField(_("chain"), max_length=100, unique=True)
    seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    head = models.CharField(_("last hash"), max_length=64, blank=True)

    objects = AuditChainManager()

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self) -> str:
        return f"{self.name} #{self.seq}"

    def natural_key(self):
        return (self.name,)


class AuditSeal(models.Model):
    """One link of a hash chain: it seals a row of a log or history table (apps.core.custody).

    Append-only: never changed, never deleted, also when the row it seals is pruned (a
    ``prune`` link then names the range). Holds digests only (keyed hashes), never the values.
    """

    class Kind(models.TextChoices):
        SEAL = "seal", _("row written")
        AMEND = "amend", _("row amended by the application")
        TOMBSTONE = "tombstone", _("record deleted")
        PRUNE = "prune", _("rows pruned")
        ADOPT = "adopt", _("row written before the chain existed")

    chain = models.CharField(_("chain"), max_length=100)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    row_id = models.CharField(_("row"), max_length=64, blank=True)
    digest = models.CharField(_("row digest"), max_length=64)
    prev = models.CharField(_("previous hash"), max_length=64)
    key_id = models.CharField(_("key"), max_length=16)
    mac = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("sealed at"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["chain", "seq"]
        constraints = [
            # Two writers can never fork a chain: the second insert of a number fails.
            models.UniqueConstraint(fields=["chain", "seq"], name="auditseal_chain_seq_unique"),
        ]
        indexes = [models.Index(fields=["chain", "row_id"], name="auditseal_chain_row")]

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq} {self.kind} {self.row_id}"
