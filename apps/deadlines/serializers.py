from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.deadlines.models import Deadline


class DeadlineSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.CharField(source="case.reference", read_only=True, help_text="The case reference.")
    kind = serializers.CharField(source="kind_label", read_only=True,
                                 help_text="The rule's name, or “Deadline set by hand”.")
    title = serializers.CharField(source="label", read_only=True)
    rule = serializers.UUIDField(source="rule.public_id", read_only=True, allow_null=True, default=None)
    trigger = serializers.UUIDField(source="trigger.public_id", read_only=True, allow_null=True, default=None)
    legal_basis = serializers.SerializerMethodField(
        help_text="The provision the rule rests on (id and summary), or null."
    )
    unverified = serializers.BooleanField(
        read_only=True, help_text="True when no stored source supports the rule's figure yet."
    )
    suspended = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id", "case", "kind", "title", "rule", "trigger", "due_on", "computed_due_on", "trigger_inexact",
            "override_due_on", "override_reason", "state", "state_note", "suspended", "suspended_since",
            "suspended_days", "legal_basis", "unverified", "version", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "string", "format": "uuid"}, "summary": {"type": "string"}}})
    def get_legal_basis(self, deadline):
        provision = deadline.rule.provision if deadline.rule_id and deadline.rule.provision_id else None
        if provision is None:
            return None
        return {"id": str(provision.public_id), "summary": provision.summary}
