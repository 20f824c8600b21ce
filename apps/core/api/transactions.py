"""One write request, one transaction — the response included.

Django's ``ATOMIC_REQUESTS`` wraps the view, but a DRF response is rendered to JSON after the
view has returned, so a value the renderer cannot encode (a ``Country`` object, say) used to
fail *after* the commit: the client got a 500, the record stayed, and a retry stored it twice.
Here the response is rendered inside the transaction, and nothing is kept unless the answer
is a success.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework import permissions


class AtomicWriteMixin:
    """Every unsafe request in one transaction that includes rendering its response.

    Authentication, permissions and throttling run first, and what they write stands (a
    throttle counter kept in the database cache must count a refused write too); then a
    savepoint is taken, and the handler's writes are rolled back to it when the answer is not
    a 2xx/3xx. An exception that escapes (a crash, the database gone) rolls everything back.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
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
