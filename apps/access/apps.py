from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "apps.access"
    verbose_name = "Access control and audit"

    def ready(self) -> None:
        # Connects the login-throttle signal receivers.
        from apps.access import throttle  # noqa: F401
        from apps.access.api import document_history_action

        document_history_action()
