from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "apps.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Who sees agreements (apps.core.scoping dispatches to it), and how the article page
        # finds the agreements an article mentions.
        from apps.agreements import mentions, scoping  # noqa: F401
