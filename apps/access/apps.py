from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "apps.access"
    verbose_name = _("Access control and audit")

    def ready(self) -> None:
        # Scoping rules; the receiver that logs refused sign-ins (django-axes lock-outs).
        # Sessions remembered per user and ended when the account is deactivated.
        from apps.access import lockout, schema, scoping, sessions  # noqa: F401
        from apps.access.models import AccessLog
        from apps.access.services import AccessLogRecorder
        from apps.core import audit, custody

        # The lower apps log sensitive reads through the audit port; this app keeps the log.
        audit.recorder_install(AccessLogRecorder())
        # Each entry is sealed in a hash chain, in the transaction that writes it.
        custody.chain_register(AccessLog)
