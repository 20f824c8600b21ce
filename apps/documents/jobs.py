"""The ``document_extract`` job kind: a document's text read in a worker (apps.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.documents.models import Document
from apps.jobs.registry import JobFailed, JobKind, register

KIND = "document_extract"


def document_extract_run(job, progress):
    from apps.documents.services import document_extract

    document = Document.objects.filter(pk=job.params.get("document")).first()
    if document is None:
        raise JobFailed(_("The document was deleted before its text could be read."))
    progress(10)
    document = document_extract(document=document)
    if document.text_state == Document.TextState.FAILED:
        raise JobFailed(document.text_error or _("The text could not be read."))
    return None


register(
    JobKind(
        name=KIND,
        label=_("Document text"),
        run=document_extract_run,
        subject_model="documents.Document",
        describe=lambda job: str(_("text extraction")),
        # OCR that failed once fails again: a retry only repeats minutes of work.
        max_attempts=1,
    )
)
