"""Admin history (django-simple-history) that respects organization scoping.

SimpleHistoryAdmin on its own opens the history of any record by id — even one the user's
queryset hides — and saves a revert posted by anyone who may view the record (it only hides
the button). Here a history page opens
only for a record the user can see (404 otherwise, as for a record that does not exist), and
reverting needs the same right as changing the record. A model whose history leaves fields
out (protected identity) cannot be reverted at all: reverting would blank those fields.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from apps.core import custody, scoping


def history_is_partial(model) -> bool:
    """Whether ``model``'s history leaves some of its fields out."""
    history_model = model.history.model
    tracked = {field.name for field in history_model._meta.fields}
    return any(field.name not in tracked for field in model._meta.concrete_fields)


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """The history and revert pages of a record, for those who may see (revert: change) it."""

    def _has_history(self) -> bool:
        return hasattr(self.model, "history")

    def _check_visible(self, request, object_id) -> None:
        # Superusers may also read the history of deleted records; everyone else only that of
        # records their queryset (their organizations, their shares) still holds.
        if request.user.is_superuser:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404(_("No such record."))

    def history_view(self, request, object_id, extra_context=None):
        if not self._has_history():
            return super(SimpleHistoryAdmin, self).history_view(request, object_id, extra_context)
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._has_history():
            raise Http404(_("This record keeps no history."))
        self._check_visible(request, object_id)
        if request.method == "POST":
            # SimpleHistoryAdmin only hides the revert button from those who may not change
            # the record; a crafted POST would still save. Refuse it here.
            current = self.get_object(request, unquote(object_id))
            if not self.has_change_history_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        if self._has_history() and history_is_partial(self.model):
            return False
        return super().has_change_history_permission(request, obj)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._note_change_reason(request, obj, entry)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._note_change_reason(request, obj, entry)
        return entry

    def _note_change_reason(self, request, obj, entry) -> None:
        """Put the admin's summary ("Changed title. Added fact …") on the version just saved.

        It names the fields and the inline records changed on the page — the protected
        identity too, as "Changed legal name for protected identity …", never its values.
        """
        if not self._has_history() or entry is None:
            return
        latest = obj.history.filter(**{obj._meta.pk.attname: obj.pk}).order_by("-history_date", "-history_id").first()
        if latest is None or latest.history_user_id != request.user.pk or latest.history_change_reason:
            return
        reason = entry.get_change_message() or ""
        limit = latest._meta.get_field("history_change_reason").max_length or len(reason)
        if reason:
            # An amendment of the row, sealed as such in its audit chain (apps.core.custody).
            custody.history_reason_note(
                row=latest, reason=reason if len(reason) <= limit else reason[: limit - 1] + "…"
            )


class ScopedDeleteMixin:
    """The changelist's "delete selected" only deletes records the user may write.

    Django checks the delete permission for the model, not for each selected record: without
    this, a supervisor with a case shared from another organization could select and delete
    its facts from the list.
    """

    def check_writable(self, request, queryset) -> None:
        """Refuse the whole selection if any of it is outside what the user may write."""
        if not request.user.is_superuser:
            foreign = queryset.exclude(pk__in=scoping.scoped_writable(queryset, request.user).values("pk"))
            if foreign.exists():
                raise PermissionDenied

    def delete_queryset(self, request, queryset):
        self.check_writable(request, queryset)
        super().delete_queryset(request, queryset)
