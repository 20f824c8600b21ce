from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "apps.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # Who sees documents (apps.core.scoping dispatches to it) and the extraction job kind.
        from apps.documents import jobs, scoping  # noqa: F401
