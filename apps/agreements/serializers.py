from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from apps.agreements.models import Agreement, Provision
from apps.agreements.services import agreement_create, agreement_update, provision_add, provision_update
from apps.core.api.fields import PartialDateField, PublicIdField, StrictFieldsMixin
from apps.people.models import Organization
from apps.sources.serializers import DateReadingsField


class ProvisionRefSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "number", "summary", "time_limit_days"]


class AgreementSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    party_countries = serializers.ListField(
        child=serializers.ChoiceField(choices=list(countries)), required=False,
        help_text=_("ISO 3166 codes of the states party to it."),
    )
    party_organizations = PublicIdField(queryset=Organization.objects.all(), many=True, required=False)
    drafted = PartialDateField(required=False, allow_null=True)
    signed = PartialDateField(required=False, allow_null=True)
    ratified = PartialDateField(required=False, allow_null=True)
    in_force = PartialDateField(required=False, allow_null=True)
    provisions = ProvisionRefSerializer(many=True, read_only=True)
    date_readings = DateReadingsField()

    class Meta:
        model = Agreement
        fields = ["id", "title", "short_title", "kind", "party_countries", "party_organizations",
                  "drafted", "signed", "ratified", "in_force", "date_readings", "status", "summary", "url",
                  "provisions", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["party_countries"] = [country.code for country in instance.party_countries]
        return data

    def create(self, validated_data):
        return agreement_create(**validated_data)

    def update(self, instance, validated_data):
        agreement, _changed = agreement_update(agreement=instance, **validated_data)
        return agreement


class ProvisionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    agreement = PublicIdField(queryset=Agreement.objects.all())
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=32767,
        help_text=_("Order within the agreement; after the known provisions if left out."),
    )

    class Meta:
        model = Provision
        fields = ["id", "agreement", "number", "position", "summary", "text", "time_limit_days",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        return provision_add(**validated_data)

    def update(self, instance, validated_data):
        provision, _changed = provision_update(provision=instance, **validated_data)
        return provision
