"""What the cases' services announce, for the apps above that follow cases.

Sent inside the write's transaction, after the write, by ``case_open`` and ``case_update``: a
listener that acts outside the database (``apps.webhooks`` tells integrations) waits for the
commit with ``transaction.on_commit``, so a write rolled back announces nothing. ``cases``
imports none of its listeners; they connect from their own ``AppConfig.ready``.
"""

from django.dispatch import Signal

# A case was opened or changed: ``case=`` the case, ``created=`` True when it was just opened,
# ``fields=`` the names of the fields that changed (empty when opened).
case_changed = Signal()
