from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.cases.models import Case, Fact
from apps.cases.services import case_open, case_update, fact_record, fact_update
from apps.core.api.fields import PartialDateField, PublicIdField, ScopedSlugRelatedField, StrictFieldsMixin
from apps.people.models import Individual, Organization
from apps.sources.serializers import CitationInlineSerializer

User = get_user_model()


class CaseSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=32,
        help_text=(
            _("CT-YYYY-NNNNNN, given by the server when the case is opened (a reference sent then "
            "is refused with 400); it never changes, so sending it back unchanged is fine.")
        ),
    )
    subjects = PublicIdField(queryset=Individual.objects.all(), many=True, allow_empty=False)
    organization = PublicIdField(queryset=Organization.objects.all())
    caseworkers = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), many=True, required=False,
        help_text=_("Usernames of the assigned caseworkers."),
    )

    class Meta:
        model = Case
        fields = ["id", "reference", "title", "subjects", "organization", "caseworkers", "status",
                  "closed_reason", "priority", "opened_on", "closed_on", "summary", "created_at",
                  "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    # The rules — a reference never changes, a case goes only into the user's organizations,
    # it is opened before it is closed — are the services'; their refusals are 400s naming the field.

    def create(self, validated_data):
        return case_open(**validated_data, by=self.context["request"].user)

    def update(self, instance, validated_data):
        if not validated_data.get("reference"):
            validated_data.pop("reference", None)  # left out or blank: the case keeps its reference
        case, _changed = case_update(case=instance, by=self.context["request"].user, **validated_data)
        return case


class FactSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = ScopedSlugRelatedField(slug_field="reference", queryset=Case.objects.all(),
                                        help_text=_("The case reference."))
    date = PartialDateField(required=False, allow_null=True)
    contradicts = PublicIdField(queryset=Fact.objects.all(), many=True, required=False,
                                help_text=_("Facts of the same case that say otherwise; the list given replaces the old one."))
    citations = CitationInlineSerializer(
        many=True, required=False,
        help_text=_("The supporting quotes: at least one when recording a fact. Later quotes: POST /citations/."),
    )

    class Meta:
        model = Fact
        fields = ["id", "case", "date", "statement", "disputed", "internal", "contradicts", "citations",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is None and not attrs.get("citations"):
            raise serializers.ValidationError({"citations": [_("A fact needs at least one supporting quote.")]})
        if self.instance is not None and "citations" in attrs:
            raise serializers.ValidationError(
                {"citations": [_("Add or remove quotes through /api/v1/citations/.")]}
            )
        return attrs

    def create(self, validated_data):
        supports = validated_data.pop("citations")
        return fact_record(**validated_data, supports=supports, added_by=self.context["request"].user)

    def update(self, instance, validated_data):
        fact, _changed = fact_update(fact=instance, **validated_data)
        return fact
