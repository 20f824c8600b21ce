from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """Deadlines computed from rules: a proceeding's event starts the clock.

    It reads proceedings and agreements (the layers below) and never imports upward: the
    proceedings' services announce a change through ``apps.proceedings.signals`` and this app
    listens (``listeners.py``), so ``proceedings`` knows nothing about deadlines.
    """

    name = "apps.deadlines"
    verbose_name = _("Deadlines")

    def ready(self) -> None:
        # Who sees these records (apps.core.scoping), and the recompute on a trigger's change.
        from apps.deadlines import listeners, scoping  # noqa: F401
