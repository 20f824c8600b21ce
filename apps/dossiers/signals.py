"""What the dossier renders announce, for the apps above (``apps.webhooks`` tells integrations).

``dossier_ready`` is sent by the ``dossier_render`` job when its file is stored: ``case=`` the
case, ``job=`` the job, ``format=`` and ``level=`` what was rendered. ``dossiers`` imports none
of its listeners.
"""

from django.dispatch import Signal

dossier_ready = Signal()
