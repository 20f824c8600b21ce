from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "apps.agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        # Who sees agreements (apps.core.scoping dispatches to it), and how the article page
        # finds the agreements an article mentions.
        from apps.agreements import mentions, scoping  # noqa: F401
