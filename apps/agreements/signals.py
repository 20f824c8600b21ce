"""What the agreements' services announce, for the apps above that count from provisions.

Sent inside the write's transaction, after the write. ``apps.deadlines`` listens: a rule that
counts a provision's own ``time_limit_days`` is recomputed when that limit changes.
"""

from django.dispatch import Signal

# A provision's time limit changed: ``provision=`` the provision.
provision_time_limit_changed = Signal()
