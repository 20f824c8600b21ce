from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.jobs.models import Job
from apps.jobs.registry import kind_get


class JobResultSerializer(serializers.Serializer):
    url = serializers.CharField(help_text=_("GET it for the file (the download is checked and logged)."))
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class JobSerializer(serializers.ModelSerializer):
    """A job as the API shows it: GET /api/v1/jobs/{id}/."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    subject = serializers.CharField(source="subject_label", read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "label",
            "subject",
            "state",
            "progress",
            "attempts",
            "max_attempts",
            "error",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return reverse("job-detail", kwargs={"id": job.public_id})

    def get_label(self, job) -> str:
        try:
            return str(kind_get(job.kind).label)
        except LookupError:
            return job.kind

    @extend_schema_field(JobResultSerializer(allow_null=True))
    def get_result(self, job) -> dict | None:
        if job.state != Job.State.SUCCEEDED or not job.result_file:
            return None
        return {
            "url": reverse("job-result", kwargs={"id": job.public_id}),
            "name": job.result_name,
            "content_type": job.result_content_type,
            "size": job.result_size,
        }
