"""Who may see a job: the person who asked for it, while they may still see what it is about.

A job's result is made from its subject (a case's dossier), so a colleague who sees the case
asks for their own job rather than reading another's; and someone who lost access to the case
loses its jobs with it. Superusers see every job, as they see every record.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from apps.core import scoping
from apps.jobs.models import Job
from apps.jobs.registry import kinds


def visible_jobs(user):
    subjects = Q(subject_type__isnull=True)
    for model in {kind.subject_model_class() for kind in kinds()} - {None}:
        subjects |= Q(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id__in=scoping.visible(model, user).values("pk"),
        )
    return Job.objects.filter(subjects, requested_by=user)


scoping.register(Job, visible=visible_jobs)
