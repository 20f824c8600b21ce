from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "apps.access"
    verbose_name = "Access control and audit"

    def ready(self) -> None:
        # Scoping rules; the receiver that logs refused sign-ins (django-axes lock-outs).
        from apps.access import lockout, scoping  # noqa: F401
        from apps.access.models import AccessLog
        from apps.access.services import AccessLogRecorder
        from apps.core import audit, custody

        # The lower apps log sensitive reads through the audit port; this app keeps the log.
        audit.recorder_install(AccessLogRecorder())
        # Each entry is sealed in a hash chain, in the transaction that writes it.
        custody.chain_register(AccessLog)
