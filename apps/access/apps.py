from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "apps.access"
    verbose_name = "Access control and audit"

    def ready(self) -> None:
        from apps.access import scoping, throttle  # noqa: F401  (rules; login-throttle receivers)
        from apps.access.services import AccessLogRecorder
        from apps.core import audit

        # The lower apps log sensitive reads through the audit port; this app keeps the log.
        audit.recorder_install(AccessLogRecorder())
