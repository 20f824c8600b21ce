from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agreements.models import Agreement, Provision
from apps.cases.models import Case
from apps.core.api.fields import PartialDateField, PublicIdField, ScopedSlugRelatedField, StrictFieldsMixin
from apps.people.models import Individual, Organization
from apps.proceedings.models import Proceeding, ProceedingEvent
from apps.proceedings.services import proceeding_event_add, proceeding_record, proceeding_update
from apps.sources.serializers import CitationInlineSerializer, DateReadingsField


class ProceedingEventSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    date = PartialDateField()

    class Meta:
        model = ProceedingEvent
        fields = ["id", "kind", "date", "description"]

    def create(self, validated_data):
        return proceeding_event_add(proceeding=self.context["proceeding"], **validated_data)


class ProceedingSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = ScopedSlugRelatedField(slug_field="reference", queryset=Case.objects.all(),
                                        help_text=_("The case reference."))
    subject = PublicIdField(queryset=Individual.objects.all(), required=False, allow_null=True,
                            help_text=_("Which of the case's subjects this concerns."))
    authority = PublicIdField(queryset=Organization.objects.all())
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    country = CountryField(required=False, allow_blank=True)
    filed = PartialDateField(required=False, allow_null=True)
    decided = PartialDateField(required=False, allow_null=True)
    date_readings = DateReadingsField()
    appeal_of = PublicIdField(queryset=Proceeding.objects.all(), required=False, allow_null=True)
    appeal_chain = serializers.SerializerMethodField(
        help_text=_("The proceedings this one appeals, nearest first (ids).")
    )
    appeals = PublicIdField(many=True, read_only=True, help_text=_("Proceedings that appeal this one."))
    agreements = PublicIdField(queryset=Agreement.objects.all(), many=True, required=False)
    provisions = PublicIdField(queryset=Provision.objects.all(), many=True, required=False,
                               help_text=_("Provisions invoked; their agreements are added to `agreements`."))
    events = ProceedingEventSerializer(many=True, read_only=True)
    citations = CitationInlineSerializer(
        many=True, required=False,
        help_text=_("Quotes that report the proceeding (when recording it). Later quotes: POST /citations/."),
    )

    class Meta:
        model = Proceeding
        fields = ["id", "case", "subject", "kind", "authority", "authority_name", "country",
                  "reference_number", "filed", "decided", "date_readings", "status", "outcome", "appeal_of",
                  "appeal_chain", "appeals", "agreements", "provisions", "summary", "events",
                  "citations", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_appeal_chain(self, proceeding):
        siblings = getattr(proceeding.case, "proceeding_ids", None)
        if siblings is None:
            return [ancestor.public_id for ancestor in proceeding.appeal_chain()]
        by_pk = {p.pk: p for p in siblings}
        chain, ancestor_pk, seen = [], proceeding.appeal_of_id, set()
        while ancestor_pk is not None and ancestor_pk in by_pk and ancestor_pk not in seen:
            seen.add(ancestor_pk)
            chain.append(by_pk[ancestor_pk].public_id)
            ancestor_pk = by_pk[ancestor_pk].appeal_of_id
        return chain

    def validate(self, attrs):
        if self.instance is not None:
            if "citations" in attrs:
                raise serializers.ValidationError({"citations": [_("Add or remove quotes through /api/v1/citations/.")]})
        # Moving to another case and a subject outside the case are the services' rules
        # (proceeding_record / proceeding_update): their errors come back as 400s too.
        return attrs

    def create(self, validated_data):
        supports = validated_data.pop("citations", [])
        return proceeding_record(**validated_data, supports=supports, added_by=self.context["request"].user)

    def update(self, instance, validated_data):
        proceeding, _changed = proceeding_update(proceeding=instance, **validated_data)
        return proceeding
