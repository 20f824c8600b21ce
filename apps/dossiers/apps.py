from django.apps import AppConfig


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.dossiers"
    verbose_name = "Dossiers"
