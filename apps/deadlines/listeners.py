"""Deadlines follow their triggers: connected when the app is ready (``DeadlinesConfig.ready``).

``proceedings`` announces its writes (``apps.proceedings.signals.proceeding_changed``) and
knows nothing of this app; deleting an event is heard through Django's own ``pre_delete``,
since deletes also come from cascades that no service sees.
"""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from apps.deadlines.services import deadlines_recompute, deadlines_trigger_removed
from apps.proceedings.models import ProceedingEvent
from apps.proceedings.signals import proceeding_changed


@receiver(proceeding_changed, dispatch_uid="deadlines_recompute")
def _proceeding_changed(sender, *, proceeding, **kwargs) -> None:
    deadlines_recompute(proceeding=proceeding)


@receiver(pre_delete, sender=ProceedingEvent, dispatch_uid="deadlines_trigger_removed")
def _event_deleted(sender, instance, **kwargs) -> None:
    deadlines_trigger_removed(event=instance)
