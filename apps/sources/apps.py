from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "apps.sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        # Declares who sees this app's records (apps.core.scoping dispatches to it).
        from apps.sources import scoping  # noqa: F401
