from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "apps.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Declares who sees this app's records (apps.core.scoping dispatches to it).
        from apps.cases import scoping  # noqa: F401
        from apps.cases.services import case_subjects_merge
        from apps.people.services import merge_step_register

        merge_step_register(case_subjects_merge, order=10)
