from django.apps import AppConfig


class ProceedingsConfig(AppConfig):
    name = "apps.proceedings"
    verbose_name = "Proceedings"

    def ready(self) -> None:
        # Declares who sees this app's records (apps.core.scoping dispatches to it).
        from apps.proceedings import scoping  # noqa: F401
