from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from apps.core.models import PublicRecord
from apps.core.partial_dates import (
    PartialDateDescriptor,
    check_in_order,
    partial_date_constraints,
    partial_date_fields,
    partial_dates_in_order_constraint,
)

# The lifecycle of an agreement, in the order it normally happens.
LIFECYCLE = ("drafted", "signed", "ratified", "in_force")


class Agreement(PublicRecord):
    """A treaty, readmission agreement, protocol or convention that can bear on a case."""

    class Kind(models.TextChoices):
        READMISSION = "readmission_agreement", _("Readmission agreement")
        EXTRADITION = "extradition_treaty", _("Extradition treaty")
        PROTOCOL = "protocol", _("Protocol")
        CONVENTION = "convention", _("Convention")
        OTHER = "other", _("Other agreement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        RATIFIED = "ratified", _("Ratified")
        IN_FORCE = "in_force", _("In force")
        TERMINATED = "terminated", _("Terminated")
        UNKNOWN = "unknown", _("Unknown")

    title = models.CharField(max_length=500, verbose_name=_("title"))
    short_title = models.CharField(max_length=120, blank=True, verbose_name=_("short title"))
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True, verbose_name=_("kind"))
    party_countries = CountryField(multiple=True, blank=True, verbose_name=_("party countries"))
    party_organizations = models.ManyToManyField(
        "people.Organization", blank=True, related_name="agreements", verbose_name=_("party organizations")
    )
    drafted_start, drafted_end, drafted_precision, drafted_approximate = partial_date_fields(_("drafted"))
    signed_start, signed_end, signed_precision, signed_approximate = partial_date_fields(_("signed"))
    ratified_start, ratified_end, ratified_precision, ratified_approximate = partial_date_fields(_("ratified"))
    in_force_start, in_force_end, in_force_precision, in_force_approximate = partial_date_fields(_("in force"))
    drafted = PartialDateDescriptor()
    signed = PartialDateDescriptor()
    ratified = PartialDateDescriptor()
    in_force = PartialDateDescriptor()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNKNOWN, verbose_name=_("status"))
    summary = models.TextField(blank=True, verbose_name=_("summary"))
    url = models.URLField(_("official text"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["title"]
        constraints = [
            *partial_date_constraints("agreement", *LIFECYCLE),
            *(
                partial_dates_in_order_constraint("agreement", earlier, later)
                for earlier, later in zip(LIFECYCLE, LIFECYCLE[1:], strict=False)
            ),
        ]

    def __str__(self) -> str:
        return self.short_title or self.title

    def clean(self) -> None:
        for earlier, later in zip(LIFECYCLE, LIFECYCLE[1:], strict=False):
            check_in_order(self, earlier, later)

    def milestones(self):
        """(label, partial date) for each known lifecycle date, in order."""
        labels = {"drafted": "drafted", "signed": "signed", "ratified": "ratified", "in_force": "in force"}
        return [(labels[name], getattr(self, name)) for name in LIFECYCLE if getattr(self, name)]


class Provision(PublicRecord):
    """One clause of an agreement, as far as it is known."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="provisions", verbose_name=_("agreement"))
    number = models.CharField(max_length=32, blank=True, help_text=_("e.g. Art. 5(2); empty if unknown."), verbose_name=_("number"))
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order within the agreement."), verbose_name=_("position"))
    summary = models.CharField(max_length=500, verbose_name=_("summary"))
    text = models.TextField(blank=True, help_text=_("The provision's wording, if known."), verbose_name=_("text"))
    time_limit_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A deadline this provision sets, in days (e.g. 30 after a repatriation request)."), verbose_name=_("time limit days"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        ordering = ["agreement", "position", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(time_limit_days__isnull=True) | models.Q(time_limit_days__gte=1),
                name="provision_time_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        label = self.number or "Provision"
        return f"{self.agreement}: {label} — {self.summary[:80]}"
