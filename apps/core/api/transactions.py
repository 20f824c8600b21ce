"""One write request, one transaction — the response included.

Django's ``ATOMIC_REQUESTS`` wraps the view, but a DRF response is rendered to JSON after the
view has returned, so a value the renderer cannot encode (a ``Country`` object, say) used to
fail *after* the commit: the client got a 500, the record stayed, and a retry stored it twice.
Here the response is rendered inside the transaction, and nothing is kept unless the answer
is a success.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from rest_framework import permissions

from apps.core.api.problems import PayloadTooLarge


class AtomicWriteMixin:
    """Every unsafe request in one transaction that includes rendering its response.

    Authentication, permissions and throttling run first, and what they write stands (a
    throttle counter kept in the database cache must count a refused write too); then a
    savepoint is taken, and the handler's writes are rolled back to it when the answer is not
    a 2xx/3xx. An exception that escapes (a crash, the database gone) rolls everything back.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _refuse_body_over_limit(request)
        if getattr(self, "_write_atomic", False):
            self._write_savepoint = transaction.savepoint()

    def dispatch(self, request, *args, **kwargs):
        if request.method in permissions.SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        self._write_atomic, self._write_savepoint = True, None
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            # finalize_response has chosen the renderer; render here, before the commit, so
            # an answer that cannot be built takes its writes down with it.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if response.status_code >= 400:
                if self._write_savepoint is not None:
                    transaction.savepoint_rollback(self._write_savepoint)
                else:
                    transaction.set_rollback(True)
            elif self._write_savepoint is not None:
                transaction.savepoint_commit(self._write_savepoint)
        return response


def _refuse_body_over_limit(request) -> None:
    """A 413 problem for a declared body over the limit, whatever its content type.

    Django checks the limit only when it reads a body as JSON or a form; a body of another
    type was answered 415 after it was received in full. A body without a length (chunked)
    is still stopped by Django when it is read.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        raise PayloadTooLarge(f"The request body is over the limit of {limit:,} bytes.")
