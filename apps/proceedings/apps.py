from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceedingsConfig(AppConfig):
    name = "apps.proceedings"
    verbose_name = _("Proceedings")

    def ready(self) -> None:
        # Declares who sees this app's records (apps.core.scoping dispatches to it).
        from apps.people.services import merge_step_register
        from apps.proceedings import scoping  # noqa: F401
        from apps.proceedings.services import proceeding_subjects_merge

        # After the cases' step (order 10): the survivor must be a subject of the case first.
        merge_step_register(proceeding_subjects_merge, order=20)
