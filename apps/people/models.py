from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord, Versioned
from apps.core.partial_dates import (
    PartialDateDescriptor,
    partial_date_constraints,
    partial_date_fields,
)
from apps.people.encrypted import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedTextField,
)


class Organization(PublicRecord):
    """An authority, court, NGO, news outlet or international body."""

    class Kind(models.TextChoices):
        GOVERNMENT_AGENCY = "government_agency", _("Government agency")
        COURT = "court", _("Court")
        NGO = "ngo", _("NGO")
        NEWS_OUTLET = "news_outlet", _("News outlet")
        INTERNATIONAL_BODY = "international_body", _("International body")
        ACADEMIC = "academic", _("University or research body")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=255, unique=True, verbose_name=_("name"))
    short_name = models.CharField(max_length=64, blank=True, help_text=_("e.g. FMS, UNHCR"), verbose_name=_("short name"))
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True, verbose_name=_("kind"))
    country = CountryField(blank=True, help_text=_("Leave empty for international bodies."), verbose_name=_("country"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        help_text=_("The body this one is part of (the FMS for its Moscow office)."), verbose_name=_("parent"),
    )
    website = models.URLField(blank=True, verbose_name=_("website"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("An organization cannot be its own parent.")})
            ancestor = ancestor.parent


class Individual(PublicRecord):
    """A person whose case is followed, known to most users only by a pseudonym."""

    class Status(models.TextChoices):
        AT_RISK = "at_risk", _("At risk")
        DETAINED = "detained", _("Detained")
        PROTECTED = "protected", _("Protected")
        DEPORTED = "deported", _("Deported")
        RESETTLED = "resettled", _("Resettled")
        UNKNOWN = "unknown", _("Unknown")

    pseudonym = models.CharField(
        max_length=120, db_index=True, help_text=_("The name everyone sees, e.g. “Kim”."), verbose_name=_("pseudonym")
    )
    nationality = CountryField(blank=True, verbose_name=_("nationality"))
    born_start, born_end, born_precision, born_approximate = partial_date_fields(_("born"))
    born = PartialDateDescriptor()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UNKNOWN, db_index=True, verbose_name=_("status")
    )
    summary = models.TextField(blank=True, help_text=_("No identifying details: see protected identity."), verbose_name=_("summary"))
    # Set by individual_merge: this record was found to be the same person as another, whose
    # record now holds everything; it stays (its id may be cited outside) as a redirect.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
        verbose_name=_("merged into"),
    )

    # Whether the person is a subject of some case. Kept by the database, never by Python:
    # triggers on the case-subject table and on this one (cases migration 0012) set it on
    # every insert, update and delete by any path — a subject added or removed, a case
    # deleted, a form saved from a stale copy. Scoping reads it to find the people in no case
    # (apps/cases/scoping.py) through a small partial index, instead of an anti-join of every
    # person against every case subject (50–100 ms per list at 100,000 people). Derived, so
    # not in dumps and fixtures (serialize=False): loading them sets it again.
    in_a_case = models.BooleanField(default=False, editable=False, serialize=False, verbose_name=_("in a case"))

    history = HistoricalRecords(excluded_fields=["in_a_case"])

    class Meta:
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")
        ordering = ["pseudonym"]
        indexes = [models.Index(fields=["id"], condition=models.Q(in_a_case=False), name="individual_in_no_case")]
        constraints = [
            *partial_date_constraints("individual", "born"),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="individual_not_merged_into_itself"
            ),
        ]
        permissions = [
            # Subject access (apps/people/subject_access.py): everything held about the person.
            ("export_individual", _("Can export everything held about the individual (subject access)")),
            ("merge_individual", _("Can merge duplicate individuals")),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ProtectedIdentity(Versioned):
    """The identifying details of an individual, kept apart from everything else and encrypted.

    A separate table, so that the dedicated permissions (``people.view_protectedidentity``,
    ``people.change_protectedidentity``) guard these fields and nothing that shows an
    individual ever loads them by accident.
    """

    individual = models.OneToOneField(
        Individual, on_delete=models.CASCADE, related_name="protected_identity", primary_key=True, verbose_name=_("individual")
    )
    # Encrypted at rest: a copy of the database (a backup, a dump) shows only ciphertext.
    # Hence no lookups or ordering on these columns, and no search on them by design.
    legal_name = EncryptedCharField(max_length=255, blank=True, verbose_name=_("legal name"))
    date_of_birth = EncryptedDateField(null=True, blank=True, verbose_name=_("date of birth"))
    phone = EncryptedCharField(max_length=64, blank=True, verbose_name=_("phone"))
    email = EncryptedEmailField(blank=True, verbose_name=_("email"))
    address = EncryptedTextField(blank=True, help_text=_("Postal address or exact location."), verbose_name=_("address"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    history = HistoricalRecords(
        # Who changed the identity and when — never the values: old names and addresses
        # of a person in hiding must not outlive a correction or an erasure.
        excluded_fields=["legal_name", "date_of_birth", "phone", "email", "address"]
    )

    class Meta:
        verbose_name = _("protected identity")
        verbose_name_plural = _("protected identities")

    def __str__(self) -> str:
        return _("Protected identity of %(individual)s") % {"individual": self.individual}

    def natural_key(self):
        return self.individual.natural_key()

    natural_key.dependencies = ["people.individual"]


class Alias(PublicRecord):
    """Another name of an individual, in any script, with how it was transliterated."""

    class Script(models.TextChoices):
        LATIN = "Latn", _("Latin")
        HANGUL = "Hang", _("Hangul")
        CYRILLIC = "Cyrl", _("Cyrillic")
        HAN = "Hani", _("Han (Chinese characters)")
        OTHER = "Zyyy", _("Other")

    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("individual"))
    name = models.CharField(max_length=255, db_index=True, verbose_name=_("name"))
    script = models.CharField(max_length=4, choices=Script.choices, default=Script.LATIN, verbose_name=_("script"))
    transliteration = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Scheme used, e.g. Revised Romanization, McCune–Reischauer, BGN/PCGN."), verbose_name=_("transliteration"),
    )
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["individual", "name"]
        constraints = [
            models.UniqueConstraint(fields=["individual", "name"], name="alias_unique_per_individual"),
        ]

    def __str__(self) -> str:
        return self.name


class NameKey(models.Model):
    """One keyed form of one name of an individual: the blind index duplicates are found by.

    ``digest`` is HMAC-SHA256, under the deployment's ``MATCH_KEY``, of the form's kind and the
    form (apps.people.matching): never the name. Matching looks keys up by equality, so a legal
    name is compared without being decrypted, and a copy of this table tells nothing without the
    key. Kept by the services that write names (apps.people.blind_index.name_keys_refresh).
    """

    class Source(models.TextChoices):
        PSEUDONYM = "pseudonym", _("Pseudonym")
        ALIAS = "alias", _("Alias")
        LEGAL_NAME = "legal_name", _("Legal name")

    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="name_keys", verbose_name=_("individual"))
    source = models.CharField(max_length=16, choices=Source.choices, verbose_name=_("source"))
    kind = models.CharField(max_length=8, verbose_name=_("kind of form"))
    digest = models.CharField(max_length=64, db_index=True, verbose_name=_("digest"))

    class Meta:
        verbose_name = _("name key")
        verbose_name_plural = _("name keys")
        constraints = [
            models.UniqueConstraint(fields=["individual", "source", "digest"], name="name_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.individual_id} {self.source} {self.kind}"


class DuplicateCandidate(models.Model):
    """Two individuals who may be one person, for a caseworker to merge or dismiss.

    ``first`` is always the older record (lower id), so a pair is stored once. ``score`` and
    ``reasons`` (codes, never names) are those of the last refresh; ``via_protected`` says a
    legal name took part, so the pair is listed only to users who may read both identities.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISMISSED = "dismissed", _("Not the same person")
        MERGED = "merged", _("Merged")

    first = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+", verbose_name=_("first record"))
    second = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="+", verbose_name=_("second record"))
    score = models.FloatField(verbose_name=_("score"))
    reasons = models.JSONField(default=list, verbose_name=_("reasons"))
    via_protected = models.BooleanField(default=False, verbose_name=_("found through a protected name"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True, verbose_name=_("status"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    # Who dismissed or merged a pair, and when it was refreshed: the review's own record.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_candidate_unique_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="duplicate_candidate_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first} ↔ {self.second}"
