"""Spreadsheets of proceedings for the admin (export, and re-import through the services)."""

from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case
from apps.core.sheets import SheetResource, choice, partial_date, related, text
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding
from apps.proceedings.services import proceeding_record, proceeding_update


class ProceedingResource(SheetResource):
    """Proceedings: recorded with ``proceeding_record``, changed with ``proceeding_update``.
    The legal basis and the quotes are kept on the proceeding's page."""

    importable = True
    select_related = ("case", "authority", "subject")

    case = related("case", Case, "reference")
    kind = choice("kind", Proceeding.Kind.choices)
    authority = related("authority", Organization, "name")
    subject = related("person", Individual, "pseudonym", attribute="subject")
    reference_number = text("reference number")
    filed = partial_date("filed")
    decided = partial_date("decided")
    status = choice("status", Proceeding.Status.choices)
    outcome = choice("outcome", Proceeding.Outcome.choices)
    country = text("country")
    summary = text("summary")

    class Meta(SheetResource.Meta):
        model = Proceeding
        name = _("Proceedings")
        fields = (
            "public_id",
            "case",
            "kind",
            "authority",
            "subject",
            "reference_number",
            "filed",
            "decided",
            "status",
            "outcome",
            "country",
            "summary",
            "version",
        )

    def dehydrate_country(self, proceeding):
        return proceeding.country.code if proceeding.country else ""

    def create(self, *, data, row):
        optional = {name: data[name] for name in ("status", "outcome") if data.get(name)}
        return proceeding_record(
            case=data.get("case"),
            kind=data.get("kind") or "",
            authority=data.get("authority"),
            filed=data.get("filed"),
            decided=data.get("decided"),
            country=data.get("country", ""),
            reference_number=data.get("reference_number", ""),
            subject=data.get("subject"),
            summary=data.get("summary", ""),
            added_by=self.user,
            **optional,
        )

    def update(self, *, record, changes, row):
        if "case" in changes and changes["case"] is None:
            changes.pop("case")
        proceeding, _changed = proceeding_update(proceeding=record, **changes)
        return proceeding
