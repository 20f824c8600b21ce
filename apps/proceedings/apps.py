from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceedingsConfig(AppConfig):
    name = "apps.proceedings"
    verbose_name = _("Proceedings")

    def ready(self) -> None:
        # Declares who sees this app's records (apps.core.scoping dispatches to it).
        from apps.proceedings import scoping  # noqa: F401
