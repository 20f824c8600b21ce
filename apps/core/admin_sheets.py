"""Export and re-import from the admin's lists (django-import-export), on top of ServiceAdmin.

Put :class:`SheetAdminMixin` in front of a ``ServiceAdmin`` and name its resource
(``resource_classes``). The list gets "Import" and "Export" buttons and an "Export selected"
action:

- **Export** writes the list as filtered (the changelist's queryset, already scoped to what
  the user may see), or the selected rows, as CSV or XLSX. Whoever may view the records may
  export them; each export is written to the access log (model, format, rows; no values).
- **Import** previews every row (new, changed, unchanged or refused, with the field and the
  reason) by running the import in a transaction that is rolled back; the confirmation is
  offered only when no row is refused, and runs it again, all or nothing. Whoever may change
  the records may import (adding rows needs the add permission too, row by row); the import
  is written to the access log with the file's SHA-256 and the counts, and each record's
  history has the importing user (the services write it).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.results import RowResult

from apps.core import audit
from apps.core.sheets import EncryptedUploadStorage


class SheetAdminMixin(ImportMixin, ExportActionMixin):
    """Import and export of a ServiceAdmin's records as spreadsheets (see the module)."""

    formats = (XLSX, CSV)
    import_template_name = "admin/core/sheet_import.html"
    # Every column, always: the public id and the version are what makes a file re-importable.
    export_form_class = ExportForm
    tmp_storage_class = EncryptedUploadStorage
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    # The change form keeps the project's own templates (the case file): export is from lists.
    show_change_form_export = False
    change_form_template = None  # not ExportActionMixin's: each admin keeps its own (the case file)
    skip_admin_log = False

    # Who may ---------------------------------------------------------------------------

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def has_import_permission(self, request):
        resources = self.get_import_resource_classes(request)
        return any(resource.importable for resource in resources) and self.has_change_permission(request)

    def get_import_resource_classes(self, request):
        return [resource for resource in self.get_resource_classes(request) if resource.importable]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    # Export ----------------------------------------------------------------------------

    def get_export_queryset(self, request):
        # The changelist's queryset: the list's filters and search, on what the user may see.
        return super().get_export_queryset(request)

    def get_valid_export_item_pks(self, request):
        # The rows an "Export selected" may name: those of the user's list, never the whole table.
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        request._sheet_rows = len(dataset)
        return dataset

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit.record(
            user=request.user,
            action=audit.SensitiveAction.EXPORT,
            detail={
                "what": self.model._meta.label_lower,
                "format": file_format.get_extension(),
                "rows": getattr(request, "_sheet_rows", None),
                "filters": request.GET.urlencode()[:500],
            },
            request=request,
        )
        return data

    # Import ----------------------------------------------------------------------------

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # All or nothing: one refused row and the confirmed import writes nothing.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    @staticmethod
    def _counts(result) -> dict:
        return {
            "new": result.totals[RowResult.IMPORT_TYPE_NEW],
            "updated": result.totals[RowResult.IMPORT_TYPE_UPDATE],
            "skipped": result.totals[RowResult.IMPORT_TYPE_SKIP],
            "refused": result.totals[RowResult.IMPORT_TYPE_INVALID]
            + result.totals[RowResult.IMPORT_TYPE_ERROR],
        }

    @staticmethod
    def _bytes(data) -> bytes:
        return data.encode("utf-8") if isinstance(data, str) else data

    def import_action(self, request, **kwargs):
        try:
            return super().import_action(request, **kwargs)
        except ValidationError as error:  # the stored upload cannot be read
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return TemplateResponse(request, [self.import_template_name], self._import_page(request))

    def _import_page(self, request) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": self.create_import_form(request),
            "opts": self.model._meta,
            "fields_list": [],
            "import_error_display": self.import_error_display,
        }

    def sheet_import_apply(
        self, *, user, upload: str, format_index: int, file_name: str, request=None, progress=None
    ):
        """Run the confirmed import of the stored ``upload`` for ``user``, all or nothing.

        Removes the upload and writes the access-log entry (the file's SHA-256, the counts,
        whether it was applied); returns the library's result. The admin's confirmation calls
        it, and so does the ``spreadsheet_import`` job for a large file (``progress(percent)``).
        Raises ValidationError when the upload cannot be read (expired, already imported).
        """
        input_format = self.get_import_formats()[format_index](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=upload,
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
        )
        data = storage.read()
        dataset = input_format.create_dataset(data)
        resource = self.get_import_resource_classes(request)[0](user=user, progress=progress)
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=True,
            file_name=file_name,
            user=user,
        )
        storage.remove()
        audit.record(
            user=user,
            action=audit.SensitiveAction.SHEET_IMPORT,
            detail={
                "what": self.model._meta.label_lower,
                "file": file_name[:200],
                "sha256": hashlib.sha256(self._bytes(data)).hexdigest(),
                "applied": not (result.has_errors() or result.has_validation_errors()),
                **self._counts(result),
            },
            request=request,
        )
        return result

    def _rows_in(self, upload: str, format_index: int) -> int:
        input_format = self.get_import_formats()[format_index](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=upload,
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
        )
        return len(input_format.create_dataset(storage.read()))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmed import: the stored upload, run for real (or as a job when large)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        upload = confirm_form.cleaned_data["import_file_name"]
        format_index = int(confirm_form.cleaned_data["format"])
        file_name = confirm_form.cleaned_data.get("original_file_name", "")
        try:
            if (
                _job_starter is not None
                and self._rows_in(upload, format_index) > settings.SHEETS_IMPORT_JOB_ROWS
            ):
                # A large file: the worker applies it; the job page follows it.
                return HttpResponseRedirect(
                    _job_starter(
                        model_admin=self,
                        user=request.user,
                        upload=upload,
                        format_index=format_index,
                        file_name=file_name,
                    )
                )
            result = self.sheet_import_apply(
                user=request.user,
                upload=upload,
                format_index=format_index,
                file_name=file_name,
                request=request,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return TemplateResponse(request, [self.import_template_name], self._import_page(request))
        if result.has_errors() or result.has_validation_errors():
            # Changed since the preview (someone saved a record meanwhile): nothing was applied.
            self.message_user(request, refused_message(self._counts(result)), messages.ERROR)
            context = self._import_page(request)
            context["result"] = result
            return TemplateResponse(request, [self.import_template_name], context)
        return self.process_result(result, request)

    def add_success_message(self, result, request):
        self.message_user(
            request,
            _("Import finished: %(new)d added, %(updated)d changed, %(skipped)d unchanged.")
            % self._counts(result),
            messages.SUCCESS,
        )

    def generate_log_entries(self, result, request):
        if result.totals[RowResult.IMPORT_TYPE_NEW] + result.totals[RowResult.IMPORT_TYPE_UPDATE]:
            super().generate_log_entries(result, request)


def refused_message(counts: dict) -> str:
    return (
        _(
            "Nothing was imported: %(refused)d rows are refused now (a record changed since the preview). "
            "Upload the file again to see why."
        )
        % counts
    )


# The port through which a large confirmed import becomes a job: core knows no job, so the app
# that registers the ``spreadsheet_import`` kind (apps/workspace/sheet_jobs.py) installs a
# starter, ``(model_admin, user, upload, format_index, file_name) -> the job page's address``.
_job_starter = None


def import_job_starter_install(starter) -> None:
    global _job_starter
    _job_starter = starter
