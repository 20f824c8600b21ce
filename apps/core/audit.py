"""Recording sensitive reads and changes: the port every app calls, the access app implements.

Protected identities live in ``people``, dossiers in ``dossiers``, the access log in ``access``.
Each of them must write an entry whenever protected data is read, changed, erased or
exported, without the lower apps importing the higher one that keeps the log. So they call
:func:`record` here, and ``apps.access`` plugs its log in when it is ready. A deployment
without a recorder refuses to go on (fail closed) rather than reading protected data
unlogged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveAction(models.TextChoices):
    """What was done with protected data; the access log's ``action``."""

    VIEW_PROTECTED = "view_protected", _("Viewed protected identity")
    CHANGE_PROTECTED = "change_protected", _("Changed protected identity")
    ERASE_PROTECTED = "erase_protected", _("Erased protected identity")
    DOSSIER_GENERATE = "dossier_generate", _("Generated a dossier")
    DOSSIER_DOWNLOAD = "dossier_download", _("Downloaded a dossier")
    DOCUMENT_DOWNLOAD = "document_download", _("Downloaded a document")
    EXPORT = "export", _("Exported data")
    SHEET_IMPORT = "sheet_import", _("Imported a spreadsheet")
    API_PROTECTED_READ = "api_protected_read", _("Read protected data through the API")
    LOGIN_THROTTLED = "login_throttled", _("Login refused after repeated failures")
    MERGE = "merge_individuals", _("Merged two records of one person")


class Recorder(Protocol):
    def record(self, *, user, action: str, obj=None, organization=None, detail=None, request=None) -> Any: ...

    def record_api_reads(self, *, request, records: list[models.Model]) -> list: ...


_recorder: Recorder | None = None


def recorder_install(recorder: Recorder) -> None:
    """Plug in the access log (``apps.access`` does this when it is ready)."""
    global _recorder
    _recorder = recorder


def _installed() -> Recorder:
    if _recorder is None:
        raise ImproperlyConfigured("No access log is installed: add apps.access to INSTALLED_APPS.")
    return _recorder


def record(
    *,
    user,
    action: str,
    obj: models.Model | None = None,
    organization: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    request=None,
):
    """Append one entry to the access log: ``user`` did ``action`` on ``obj``.

    ``detail`` is for context (format, dossier level, token name) and must never contain the
    protected values themselves. ``organization`` defaults to the one holding ``obj``.
    """
    return _installed().record(
        user=user, action=action, obj=obj, organization=organization, detail=detail, request=request
    )


def record_api_reads(*, request, records: Iterable[models.Model]) -> list:
    """Log that the protected data of ``records`` were sent to an API client, one entry each.

    Constant queries whatever the number of records, so a list page stays constant too.
    """
    return _installed().record_api_reads(request=request, records=list(records))
