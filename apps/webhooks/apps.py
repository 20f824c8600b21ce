from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed webhooks to an organization's integrations, about the records it holds.

    Above cases, proceedings, deadlines and dossiers, whose services announce their writes with
    signals (``apps.<app>.signals``); none of them imports this app.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # Who sees these records, the events heard, and the "webhook_deliver" job kind.
        from apps.webhooks import jobs, listeners, scoping  # noqa: F401
