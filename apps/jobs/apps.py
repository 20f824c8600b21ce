from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        # Who may read a job (apps/jobs/scoping.py); the list_export kind, and the large-XLSX
        # starter it plugs into the API's exports (apps/jobs/exports.py).
        from apps.jobs import exports, scoping  # noqa: F401
