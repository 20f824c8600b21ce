from django.apps import AppConfig


class ProceedingsConfig(AppConfig):
    name = "apps.proceedings"
    verbose_name = "Proceedings"
