from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The top layer: what spans every part of the domain.

    The case file (a case with its facts, proceedings, agreements and dossiers), the seed
    builder, and later the dashboard, merges and background jobs. It may import every app;
    no app imports it.
    """

    name = "apps.workspace"
    verbose_name = _("Case files")

    def ready(self) -> None:
        # Registers the "spreadsheet_import" job kind and plugs it into the admin's imports.
        # The sections of a subject access document about cases, proceedings, facts, quotes
        # and the access log (apps/people/subject_access.py calls them).
        from apps.workspace import (
            sheet_jobs,  # noqa: F401
            subject_access,  # noqa: F401
        )
