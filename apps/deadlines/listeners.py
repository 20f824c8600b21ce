"""Deadlines follow their triggers: connected when the app is ready (``DeadlinesConfig.ready``).

``proceedings`` announces its writes (``apps.proceedings.signals.proceeding_changed``), and
``agreements`` a provision's changed time limit (``apps.agreements.signals``); neither knows
this app; deleting an event is heard through Django's own ``pre_delete``,
since deletes also come from cascades that no service sees.
"""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from apps.agreements.signals import provision_time_limit_changed
from apps.deadlines.models import DeadlineRule
from apps.deadlines.services import deadline_rule_apply, deadlines_recompute, deadlines_trigger_removed
from apps.proceedings.models import ProceedingEvent
from apps.proceedings.signals import proceeding_changed


@receiver(proceeding_changed, dispatch_uid="deadlines_recompute")
def _proceeding_changed(sender, *, proceeding, **kwargs) -> None:
    deadlines_recompute(proceeding=proceeding)


@receiver(pre_delete, sender=ProceedingEvent, dispatch_uid="deadlines_trigger_removed")
def _event_deleted(sender, instance, **kwargs) -> None:
    deadlines_trigger_removed(event=instance)


@receiver(provision_time_limit_changed, dispatch_uid="deadlines_provision_limit")
def _provision_limit_changed(sender, *, provision, **kwargs) -> None:
    # Rules that count the provision's own limit (no figure of their own) follow it.
    for rule in DeadlineRule.objects.filter(provision=provision, offset__isnull=True):
        deadline_rule_apply(rule=rule)
