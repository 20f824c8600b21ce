from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        # Registers the "dossier_render" job kind (apps/dossiers/jobs.py).
        from apps.dossiers import jobs  # noqa: F401
