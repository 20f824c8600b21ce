"""What the proceedings' services announce, for the apps above that follow proceedings.

Sent inside the write's transaction, after the write, by the services in ``services.py``:
a listener's own writes (``apps.deadlines`` recomputes the deadlines a proceeding's events
start) commit or roll back with the change that caused them. ``proceedings`` imports none of
its listeners; they connect from their own ``AppConfig.ready``.
"""

from django.dispatch import Signal

# A proceeding, or one of its events, was recorded or changed: ``proceeding=`` the proceeding,
# ``created=`` True when the proceeding itself was just recorded, ``fields=`` the names of its
# fields that changed (``["events"]`` for an event added or changed).
proceeding_changed = Signal()
