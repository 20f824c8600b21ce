from django.apps import AppConfig


class TokensConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.tokens"
    verbose_name = "API tokens"

    def ready(self) -> None:
        # Describes bearer authentication in the OpenAPI schema.
        from apps.tokens import schema  # noqa: F401
