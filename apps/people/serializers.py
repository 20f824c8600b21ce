from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import PartialDateField, PublicIdField, StrictFieldsMixin
from apps.people.duplicates import reason_text
from apps.people.models import Alias, Individual, Organization, ProtectedIdentity
from apps.people.selectors import PROTECTED_IDENTITY_FIELDS, can_view_protected_identity
from apps.people.services import (
    individual_create,
    individual_update,
    organization_create,
    organization_update,
    protected_identity_set,
)


class OrganizationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    country = CountryField(required=False, allow_blank=True)
    parent = PublicIdField(queryset=Organization.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "country", "parent", "website", "notes",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        return organization_create(**validated_data)

    def update(self, instance, validated_data):
        organization, _changed = organization_update(organization=instance, **validated_data)
        return organization


class AliasSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Alias
        fields = ["id", "name", "script", "transliteration", "note"]
        # Uniqueness per individual is checked by the service, where the individual is known.
        validators = []


class IndividualSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """An individual under their pseudonym.

    The protected identity fields are present only for users with
    ``people.view_protectedidentity``; for everyone else the keys are absent, not empty.
    """

    id = serializers.UUIDField(source="public_id", read_only=True)
    nationality = CountryField(required=False, allow_blank=True)
    born = PartialDateField(required=False, allow_null=True)
    aliases = AliasSerializer(many=True, required=False)
    legal_name = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                       help_text=_("Protected: only with people.view_protectedidentity."))
    date_of_birth = serializers.DateField(required=False, allow_null=True,
                                          help_text=_("Protected: only with people.view_protectedidentity."))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                  help_text=_("Protected: only with people.view_protectedidentity."))
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254,
                                   help_text=_("Protected: only with people.view_protectedidentity."))
    address = serializers.CharField(required=False, allow_blank=True,
                                    help_text=_("Protected: only with people.view_protectedidentity."))

    class Meta:
        model = Individual
        fields = ["id", "pseudonym", "nationality", "born", "status", "summary", "aliases",
                  *PROTECTED_IDENTITY_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_aliases(self, aliases):
        # Nested items are "partial" in a PATCH too, but an alias is nothing without its name.
        names = [alias.get("name") for alias in aliases]
        if not all(names):
            raise serializers.ValidationError(_("Each alias needs a name."))
        if len(set(names)) != len(names):
            raise serializers.ValidationError(_("The same alias is given twice."))
        return aliases

    def _shows_protected(self) -> bool:
        view = self.context.get("view")
        if view is not None and getattr(view, "swagger_fake_view", False):
            return True  # the schema documents the fields (as optional)
        # Never in lists: a list is what gets exported, cached and shared. One person at a time.
        if view is not None and getattr(view, "action", None) == "list":
            return False
        request = self.context.get("request")
        return request is not None and can_view_protected_identity(user=request.user)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in PROTECTED_IDENTITY_FIELDS:
            data.pop(name, None)
        if self._shows_protected():
            try:
                identity = instance.protected_identity
            except ProtectedIdentity.DoesNotExist:
                identity = ProtectedIdentity()
            if identity.pk is not None:
                # The view writes each identity it sends to the access log (see IndividualViewSet).
                self.context.setdefault("protected_identities_shown", []).append(instance)
            for name in PROTECTED_IDENTITY_FIELDS:
                value = getattr(identity, name)
                data[name] = value.isoformat() if name == "date_of_birth" and value else value
        return data

    @staticmethod
    def _split(validated_data):
        protected = {name: validated_data.pop(name) for name in PROTECTED_IDENTITY_FIELDS if name in validated_data}
        aliases = validated_data.pop("aliases", None)
        return protected, aliases

    @transaction.atomic
    def create(self, validated_data):
        protected, aliases = self._split(validated_data)
        individual = individual_create(**validated_data, aliases=aliases or ())
        if protected:
            protected_identity_set(individual=individual, **protected)
        return individual

    @transaction.atomic
    def update(self, instance, validated_data):
        protected, aliases = self._split(validated_data)
        individual_update(individual=instance, aliases=aliases, **validated_data)
        if protected:
            # Replace the identity joined when the record was read, so the response shows the change.
            instance.protected_identity = protected_identity_set(individual=instance, **protected)
        return instance


class DuplicateReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["same_spelling", "other_script", "other_spelling", "similar_spelling", "same_birth_year", "same_nationality"],
        help_text=_("Which kind of form matched; never the names themselves."),
    )
    on = serializers.ListField(
        child=serializers.ChoiceField(choices=["pseudonym", "alias", "legal_name"]),
        required=False,
        help_text=_("Which names matched: this record's, then the candidate's."),
    )
    text = serializers.CharField(help_text=_("The reason in the reader's language."))


class DuplicateCandidateSerializer(serializers.Serializer):
    """One individual who may be the same person as the one asked about."""

    id = serializers.UUIDField(source="individual.public_id")
    pseudonym = serializers.CharField(source="individual.pseudonym")
    score = serializers.FloatField(help_text=_("0 to 1; candidates are offered from 0.8."))
    reasons = serializers.SerializerMethodField()

    @extend_schema_field(DuplicateReasonSerializer(many=True))
    def get_reasons(self, candidate):
        return [{**reason, "text": reason_text(reason)} for reason in candidate.reasons]


class IndividualMergeSerializer(serializers.Serializer):
    merged = PublicIdField(
        queryset=Individual.objects.all(),
        # Scoped like every PublicIdField: a record the user may not write "does not exist".
        help_text=_("The record merged into this one; it becomes a redirect to this one."),
    )
