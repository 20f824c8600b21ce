from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.tokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        # Describes bearer authentication in the OpenAPI schema.
        from apps.tokens import schema  # noqa: F401
