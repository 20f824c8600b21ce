"""Export and re-import from the admin's lists (django-import-export), on top of ServiceAdmin.

Put :class:`SheetAdminMixin` in front of a ``ServiceAdmin`` and name its resource
(``resource_classes``). The list gets "Import" and "Export" buttons and an "Export selected"
action:

- **Export** writes the list as filtered (the changelist's queryset, already scoped to what
  the user may see), or the selected rows, as CSV or XLSX. Whoever may view the records may
  export them; each export is written to the access log (model, format, rows; no values).
  A CSV is streamed, row after row (never held whole); an XLSX is built in the request. More
  rows than ``SHEETS_EXPORT_JOB_ROWS`` and the file is made by a ``sheet_export`` job instead
  (apps/workspace/sheet_jobs.py): the answer is the job's page, the download is its requester's.
- **Import** previews every row (new, changed, unchanged or refused, with the field and the
  reason) by running the import in a transaction that is rolled back; the confirmation is
  offered only when no row is refused, and runs it again, all or nothing. Whoever may change
  the records may import (adding rows needs the add permission too, row by row); the import
  is written to the access log with the file's SHA-256 and the counts, and each record's
  history has the importing user (the services write it).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.results import RowResult
from import_export.signals import post_export

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

    def _export_log(self, *, request, user, file_format, rows, filters: str, extra=None) -> None:
        audit.record(
            user=user,
            action=audit.SensitiveAction.EXPORT,
            detail={
                "what": self.model._meta.label_lower,
                "format": file_format.get_extension(),
                "rows": rows,
                "filters": filters[:500],
                **(extra or {}),
            },
            request=request,
        )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """The file: streamed (CSV), built here (a small XLSX), or made by a job (a large list)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        rows = queryset.count()
        if _export_job_starter is not None and rows > settings.SHEETS_EXPORT_JOB_ROWS:
            selected = None
            chosen = export_form is not None and "export_items" in export_form.changed_data
            if chosen or (export_form is None and "_selected_action" in request.POST):
                # Rows chosen on the list (the form's hidden items, or the action without its form).
                selected = [str(public_id) for public_id in queryset.values_list("public_id", flat=True)]
            job_id, page = _export_job_starter(
                model_admin=self,
                user=request.user,
                filters=request.GET.urlencode(),
                selected=selected,
                format_index=self.get_export_formats().index(type(file_format)),
                resource_index=self.get_resource_index(export_form) if export_form is not None else 0,
                rows=rows,
            )
            self._export_log(
                request=request,
                user=request.user,
                file_format=file_format,
                rows=rows,
                filters=request.GET.urlencode(),
                extra={"job": job_id},
            )
            return HttpResponseRedirect(page)
        if isinstance(file_format, CSV):
            return self._csv_stream(file_format, request, queryset, rows=rows, export_form=export_form)
        return super()._do_file_export(file_format, request, queryset, export_form=export_form)

    def _csv_stream(self, file_format, request, queryset, *, rows: int, export_form=None):
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request)
        )
        lines = resource.export_rows(queryset, force_native_type=False, export_form=export_form)
        # Written to the access log before the first byte leaves.
        self._export_log(
            request=request,
            user=request.user,
            file_format=file_format,
            rows=rows,
            filters=request.GET.urlencode(),
        )
        response = StreamingHttpResponse(
            csv_chunks(lines, encoding=self.to_encoding or settings.DEFAULT_CHARSET, rows=CSV_CHUNK_ROWS),
            content_type=file_format.get_content_type(),
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{self.get_export_filename(request, queryset, file_format)}"'
        )
        post_export.send(sender=None, model=self.model)
        return response

    def sheet_export_rows(
        self, *, user, filters: str, selected: list[str] | None, format_index: int, resource_index: int
    ) -> tuple[object, Iterator[list]]:
        """The export a ``sheet_export`` job writes: (its format, the header then each row).

        The changelist's queryset is read again for ``user`` with the list's query string
        ``filters`` (its filters, search and order), narrowed to the ``selected`` public ids of
        an "Export selected"; the rows are the resource's, read a chunk at a time.
        """
        request = HttpRequest()
        request.method = "GET"
        request.path = request.path_info = "/"
        request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
        request.GET = QueryDict(filters)
        request.user = user
        if not self.has_export_permission(request):
            raise PermissionDenied(_("You may no longer see these records."))
        queryset = self.get_export_queryset(request)
        if selected is not None:
            queryset = queryset.filter(public_id__in=selected)
        file_format = self.get_export_formats()[format_index]()
        resource = self.get_export_resource_classes(request)[resource_index](user=user)
        native = not isinstance(file_format, CSV)
        return file_format, resource.export_rows(queryset, force_native_type=native)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        self._export_log(
            request=request,
            user=request.user,
            file_format=file_format,
            rows=getattr(request, "_sheet_rows", None),
            filters=request.GET.urlencode(),
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


# The port through which a large export becomes a job (the ``sheet_export`` kind, installed by
# apps/workspace/sheet_jobs.py): ``(model_admin, user, filters, selected, format_index,
# resource_index, rows) -> (the job's public id, the job page's address)``.
_export_job_starter = None


def export_job_starter_install(starter) -> None:
    global _export_job_starter
    _export_job_starter = starter


# Rows written to the stream at a time.
CSV_CHUNK_ROWS = 200


def csv_chunks(lines, *, encoding: str = "utf-8", rows: int = CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """``lines`` (the header, then each row) as CSV bytes, ``rows`` lines at a time.

    The csv module's defaults, as tablib writes the in-memory file, so the bytes are the same.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",")
    for number, line in enumerate(lines, 1):
        writer.writerow(line)
        if number % rows == 0:
            yield out.getvalue().encode(encoding)
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode(encoding)
