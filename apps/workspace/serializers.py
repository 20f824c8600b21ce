"""The case file in the API: a case with its subjects, proceedings, agreements and timeline."""

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.cases.serializers import CaseSerializer
from apps.core.api.fields import PartialDateField
from apps.people.models import Individual, Organization
from apps.sources.serializers import CitationInlineSerializer, DateReadingInlineSerializer


class SubjectSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    # Declared, not generated: ModelSerializer would make a country a ChoiceField, which hands
    # an empty Country object (no nationality) to the JSON renderer as it is — a 500.
    nationality = CountryField(read_only=True)

    class Meta:
        model = Individual
        fields = ["id", "pseudonym", "nationality", "status"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name"]


class CaseProceedingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    authority = OrganizationRefSerializer()
    subject = serializers.UUIDField(source="subject.public_id", allow_null=True, default=None)
    country = serializers.CharField()
    filed = PartialDateField(allow_null=True)
    decided = PartialDateField(allow_null=True)
    status = serializers.CharField()
    outcome = serializers.CharField()
    appeal_of = serializers.UUIDField(source="appeal_of.public_id", allow_null=True, default=None)
    appeal_chain = serializers.SerializerMethodField(
        help_text=_("The proceedings this one appeals, nearest first (ids).")
    )

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_appeal_chain(self, proceeding):
        by_pk = self.context.get("proceedings_by_pk", {})
        chain, ancestor_pk, seen = [], proceeding.appeal_of_id, set()
        while ancestor_pk is not None and ancestor_pk in by_pk and ancestor_pk not in seen:
            seen.add(ancestor_pk)
            ancestor = by_pk[ancestor_pk]
            chain.append(ancestor.public_id)
            ancestor_pk = ancestor.appeal_of_id
        return chain


class AgreementRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    short_title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()


class CaseDetailSerializer(CaseSerializer):
    """A case with its subjects, proceedings (and appeal chains) and the agreements invoked."""

    subjects = SubjectSerializer(source="subject_list", many=True, read_only=True)
    proceedings = serializers.SerializerMethodField()
    agreements_invoked = serializers.SerializerMethodField(
        help_text=_("Agreements that any proceeding of the case invokes.")
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "proceedings", "agreements_invoked"]

    @extend_schema_field(CaseProceedingSerializer(many=True))
    def get_proceedings(self, case):
        proceedings = case.proceeding_list
        context = {**self.context, "proceedings_by_pk": {p.pk: p for p in proceedings}}
        return CaseProceedingSerializer(proceedings, many=True, context=context).data

    @extend_schema_field(AgreementRefSerializer(many=True))
    def get_agreements_invoked(self, case):
        agreements = {}
        for proceeding in case.proceeding_list:
            for agreement in proceeding.agreements.all():
                agreements[agreement.pk] = agreement
        ordered = sorted(agreements.values(), key=lambda a: a.title)
        return AgreementRefSerializer(ordered, many=True).data


class TimelineEntrySerializer(serializers.Serializer):
    """One line of a case's timeline: a fact, a proceeding event or an agreement milestone."""

    type = serializers.ChoiceField(choices=["fact", "proceeding_event", "agreement_milestone"])
    date = PartialDateField(allow_null=True)
    id = serializers.UUIDField(help_text=_("The fact, the event, or the agreement."))
    summary = serializers.CharField()
    disputed = serializers.SerializerMethodField(
        help_text="A fact: whether another fact contradicts it. A milestone: whether its sources give different dates."
    )
    internal = serializers.BooleanField(source="fact.internal", allow_null=True, default=None)
    proceeding = serializers.UUIDField(source="event.proceeding.public_id", allow_null=True, default=None)
    event_kind = serializers.CharField(source="event.kind", allow_null=True, default=None)
    agreement = serializers.UUIDField(source="agreement.public_id", allow_null=True, default=None)
    milestone = serializers.CharField(allow_null=True)
    citations = CitationInlineSerializer(many=True, help_text=_("For facts: the quotes that support them."))
    readings = DateReadingInlineSerializer(
        many=True, help_text=_("For milestones: each date the sources give, with its quotes (side by side when disputed).")
    )

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_disputed(self, entry):
        if entry.fact is not None:
            return entry.fact.disputed
        return entry.disputed if entry.type == "agreement_milestone" else None
