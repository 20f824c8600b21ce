from django.apps import AppConfig


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.dossiers"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        # Registers the "dossier_render" job kind (apps/dossiers/jobs.py).
        from apps.dossiers import jobs  # noqa: F401
