from django.core.exceptions import ValidationError
from django.db import models
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
        GOVERNMENT_AGENCY = "government_agency", "Government agency"
        COURT = "court", "Court"
        NGO = "ngo", "NGO"
        NEWS_OUTLET = "news_outlet", "News outlet"
        INTERNATIONAL_BODY = "international_body", "International body"
        ACADEMIC = "academic", "University or research body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=255, unique=True)
    short_name = models.CharField(max_length=64, blank=True, help_text="e.g. FMS, UNHCR")
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    country = CountryField(blank=True, help_text="Leave empty for international bodies.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        help_text="The body this one is part of (the FMS for its Moscow office).",
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "An organization cannot be its own parent."})
            ancestor = ancestor.parent


class Individual(PublicRecord):
    """A person whose case is followed, known to most users only by a pseudonym."""

    class Status(models.TextChoices):
        AT_RISK = "at_risk", "At risk"
        DETAINED = "detained", "Detained"
        PROTECTED = "protected", "Protected"
        DEPORTED = "deported", "Deported"
        RESETTLED = "resettled", "Resettled"
        UNKNOWN = "unknown", "Unknown"

    pseudonym = models.CharField(
        max_length=120, db_index=True, help_text="The name everyone sees, e.g. “Kim”."
    )
    nationality = CountryField(blank=True)
    born_start, born_end, born_precision, born_approximate = partial_date_fields("born")
    born = PartialDateDescriptor()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UNKNOWN, db_index=True
    )
    summary = models.TextField(blank=True, help_text="No identifying details: see protected identity.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["pseudonym"]
        constraints = [*partial_date_constraints("individual", "born")]

    def __str__(self) -> str:
        return self.pseudonym


class ProtectedIdentity(Versioned):
    """The identifying details of an individual, kept apart from everything else and encrypted.

    A separate table, so that the dedicated permissions (``people.view_protectedidentity``,
    ``people.change_protectedidentity``) guard these fields and nothing that shows an
    individual ever loads them by accident.
    """

    individual = models.OneToOneField(
        Individual, on_delete=models.CASCADE, related_name="protected_identity", primary_key=True
    )
    # Encrypted at rest: a copy of the database (a backup, a dump) shows only ciphertext.
    # Hence no lookups or ordering on these columns, and no search on them by design.
    legal_name = EncryptedCharField(max_length=255, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    phone = EncryptedCharField(max_length=64, blank=True)
    email = EncryptedEmailField(blank=True)
    address = EncryptedTextField(blank=True, help_text="Postal address or exact location.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        # Who changed the identity and when — never the values: old names and addresses
        # of a person in hiding must not outlive a correction or an erasure.
        excluded_fields=["legal_name", "date_of_birth", "phone", "email", "address"]
    )

    class Meta:
        verbose_name = "protected identity"
        verbose_name_plural = "protected identities"

    def __str__(self) -> str:
        return f"Protected identity of {self.individual}"

    def natural_key(self):
        return self.individual.natural_key()

    natural_key.dependencies = ["people.individual"]


class Alias(PublicRecord):
    """Another name of an individual, in any script, with how it was transliterated."""

    class Script(models.TextChoices):
        LATIN = "Latn", "Latin"
        HANGUL = "Hang", "Hangul"
        CYRILLIC = "Cyrl", "Cyrillic"
        HAN = "Hani", "Han (Chinese characters)"
        OTHER = "Zyyy", "Other"

    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255, db_index=True)
    script = models.CharField(max_length=4, choices=Script.choices, default=Script.LATIN)
    transliteration = models.CharField(
        max_length=120,
        blank=True,
        help_text="Scheme used, e.g. Revised Romanization, McCune–Reischauer, BGN/PCGN.",
    )
    note = models.CharField(max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["individual", "name"]
        constraints = [
            models.UniqueConstraint(fields=["individual", "name"], name="alias_unique_per_individual"),
        ]

    def __str__(self) -> str:
        return self.name
