from django.core.exceptions import ValidationError
from django.db import models
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


class Proceeding(PublicRecord):
    """A legal or administrative proceeding in a case: an application, appeal, detention…"""

    class Kind(models.TextChoices):
        REFUGEE_STATUS = "refugee_status_application", "Refugee-status application"
        TEMPORARY_ASYLUM = "temporary_asylum_application", "Temporary-asylum application"
        APPEAL = "appeal", "Appeal"
        COURT_CASE = "court_case", "Court case"
        DETENTION = "detention", "Detention"
        ADMINISTRATIVE_OFFENCE = "administrative_offence", "Administrative offence / fine"
        DEPORTATION_ORDER = "deportation_order", "Deportation or removal order"
        EXTRADITION_REQUEST = "extradition_request", "Extradition request"
        READMISSION_REQUEST = "readmission_request", "Readmission / repatriation request"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IN_PROGRESS = "in_progress", "In progress"
        DECIDED = "decided", "Decided"
        APPEALED = "appealed", "Under appeal"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        OVERTURNED = "overturned", "Overturned"
        UPHELD = "upheld", "Upheld"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXECUTED = "executed", "Carried out"
        UNKNOWN = "unknown", "Unknown"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="proceedings")
    subject = models.ForeignKey(
        "people.Individual",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proceedings",
        help_text="Which of the case's subjects this concerns, if the case has several.",
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    authority = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="proceedings"
    )
    country = CountryField(blank=True)
    reference_number = models.CharField(max_length=120, blank=True)
    filed_start, filed_end, filed_precision, filed_approximate = partial_date_fields("filed")
    decided_start, decided_end, decided_precision, decided_approximate = partial_date_fields("decided")
    filed = PartialDateDescriptor()
    decided = PartialDateDescriptor()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    appeal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        help_text="The earlier proceeding this one challenges.",
    )
    agreements = models.ManyToManyField(
        "agreements.Agreement", blank=True, related_name="proceedings", verbose_name="legal basis (agreements)"
    )
    provisions = models.ManyToManyField(
        "agreements.Provision", blank=True, related_name="proceedings", verbose_name="legal basis (provisions)"
    )
    summary = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=["agreements", "provisions"])

    class Meta:
        ordering = ["case", "filed_start", "decided_start", "created_at"]
        constraints = [
            *partial_date_constraints("proceeding", "filed", "decided"),
            partial_dates_in_order_constraint("proceeding", "filed", "decided"),
            models.CheckConstraint(
                condition=~models.Q(appeal_of=models.F("pk")),
                name="proceeding_not_appeal_of_itself",
            ),
        ]

    def __str__(self) -> str:
        when = self.decided or self.filed
        suffix = f", {when}" if when else ""
        return f"{self.get_kind_display()} — {self.authority.short_name or self.authority.name}{suffix}"

    def clean(self) -> None:
        check_in_order(self, "filed", "decided")
        if self.appeal_of_id:
            if self.pk and self.appeal_of_id == self.pk:
                raise ValidationError({"appeal_of": "A proceeding cannot be an appeal of itself."})
            if self.case_id and self.appeal_of.case_id != self.case_id:
                raise ValidationError({"appeal_of": "The appealed proceeding belongs to another case."})
            # Walk up the chain: an appeal cycle would make every dossier loop forever.
            seen = {self.pk}
            ancestor = self.appeal_of
            while ancestor is not None:
                if ancestor.pk in seen:
                    raise ValidationError({"appeal_of": "This would make the appeal chain a loop."})
                seen.add(ancestor.pk)
                ancestor = ancestor.appeal_of

    def appeal_chain(self) -> list["Proceeding"]:
        """The proceedings this one appeals, nearest first."""
        chain, ancestor = [], self.appeal_of
        while ancestor is not None:
            chain.append(ancestor)
            ancestor = ancestor.appeal_of
        return chain


class ProceedingEvent(PublicRecord):
    """A dated step of a proceeding: filing, hearing, decision, notice…"""

    class Kind(models.TextChoices):
        FILING = "filing", "Filing"
        HEARING = "hearing", "Hearing"
        DECISION = "decision", "Decision"
        NOTICE = "notice", "Notice"
        ARREST = "arrest", "Arrest"
        RELEASE = "release", "Release"
        OTHER = "other", "Other"

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    date_start, date_end, date_precision, date_approximate = partial_date_fields("date", required=True)
    date = PartialDateDescriptor()
    description = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proceeding", "date_start", "-date_end"]
        constraints = [*partial_date_constraints("proceedingevent", "date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date}"
