from django.core.exceptions import ValidationError
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


class Proceeding(PublicRecord):
    """A legal or administrative proceeding in a case: an application, appeal, detention…"""

    class Kind(models.TextChoices):
        REFUGEE_STATUS = "refugee_status_application", _("Refugee-status application")
        TEMPORARY_ASYLUM = "temporary_asylum_application", _("Temporary-asylum application")
        APPEAL = "appeal", _("Appeal")
        COURT_CASE = "court_case", _("Court case")
        DETENTION = "detention", _("Detention")
        ADMINISTRATIVE_OFFENCE = "administrative_offence", _("Administrative offence / fine")
        DEPORTATION_ORDER = "deportation_order", _("Deportation or removal order")
        EXTRADITION_REQUEST = "extradition_request", _("Extradition request")
        READMISSION_REQUEST = "readmission_request", _("Readmission / repatriation request")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        DECIDED = "decided", _("Decided")
        APPEALED = "appealed", _("Under appeal")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        OVERTURNED = "overturned", _("Overturned")
        UPHELD = "upheld", _("Upheld")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXECUTED = "executed", _("Carried out")
        UNKNOWN = "unknown", _("Unknown")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="proceedings", verbose_name=_("case"))
    subject = models.ForeignKey(
        "people.Individual",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proceedings",
        help_text=_("Which of the case's subjects this concerns, if the case has several."), verbose_name=_("subject"),
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True, verbose_name=_("kind"))
    authority = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="proceedings", verbose_name=_("authority")
    )
    country = CountryField(blank=True, verbose_name=_("country"))
    reference_number = models.CharField(max_length=120, blank=True, verbose_name=_("reference number"))
    filed_start, filed_end, filed_precision, filed_approximate = partial_date_fields(_("filed"))
    decided_start, decided_end, decided_precision, decided_approximate = partial_date_fields(_("decided"))
    filed = PartialDateDescriptor()
    decided = PartialDateDescriptor()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=_("status"))
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.PENDING, db_index=True, verbose_name=_("outcome")
    )
    appeal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        help_text=_("The earlier proceeding this one challenges."), verbose_name=_("appeal of"),
    )
    agreements = models.ManyToManyField(
        "agreements.Agreement", blank=True, related_name="proceedings", verbose_name=_("legal basis (agreements)")
    )
    provisions = models.ManyToManyField(
        "agreements.Provision", blank=True, related_name="proceedings", verbose_name=_("legal basis (provisions)")
    )
    summary = models.TextField(blank=True, verbose_name=_("summary"))

    history = HistoricalRecords(m2m_fields=["agreements", "provisions"])

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
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
                raise ValidationError({"appeal_of": _("A proceeding cannot be an appeal of itself.")})
            if self.case_id and self.appeal_of.case_id != self.case_id:
                raise ValidationError({"appeal_of": _("The appealed proceeding belongs to another case.")})
            # Walk up the chain: an appeal cycle would make every dossier loop forever.
            seen = {self.pk}
            ancestor = self.appeal_of
            while ancestor is not None:
                if ancestor.pk in seen:
                    raise ValidationError({"appeal_of": _("This would make the appeal chain a loop.")})
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
        FILING = "filing", _("Filing")
        HEARING = "hearing", _("Hearing")
        DECISION = "decision", _("Decision")
        NOTICE = "notice", _("Notice")
        ARREST = "arrest", _("Arrest")
        RELEASE = "release", _("Release")
        OTHER = "other", _("Other")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="events", verbose_name=_("proceeding"))
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    date_start, date_end, date_precision, date_approximate = partial_date_fields(_("date"), required=True)
    date = PartialDateDescriptor()
    description = models.CharField(max_length=500, blank=True, verbose_name=_("description"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proceeding event")
        verbose_name_plural = _("proceeding events")
        ordering = ["proceeding", "date_start", "-date_end"]
        constraints = [*partial_date_constraints("proceedingevent", "date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date}"
