"""Every API list as a spreadsheet: ``?format=csv`` (streamed) and ``?format=xlsx``.

The export is the JSON list, whole: the same scoped, filtered and ordered queryset (the view's
own ``get_queryset`` and ``filter_queryset``, and a cursor list's own ordering), every page, the
same list serializer — so what a list hides (a protected identity is never in a list) an
export hides too. Columns are the serializer's fields flattened: a nested object becomes dotted
columns (``born.value``, ``born.display``), a list is joined with "; " (``aliases.name``), and
``version`` (the row version an ETag names) is added at the end.

Why the csv module and openpyxl rather than tablib or django-import-export: both of those build
the whole dataset in memory before writing it, and a list of 100,000 rows must not be held at
once. ``csv.writer`` writes rows as they are read, and openpyxl's write-only workbook (the
engine tablib itself uses for XLSX) streams rows to its file; neither is a hand-written format.

Cells are safe to open in a spreadsheet: text starting with ``= + - @``, a tab or a carriage
return (also after leading spaces) gets a leading apostrophe, so it is never run as a formula.
Numbers stay numbers.

Each export is written to the access log (``apps.core.audit.record``, action ``export``: who,
which list, its filters, how many rows) before the first byte is sent. An XLSX of more than
``EXPORT_XLSX_SYNC_ROWS`` rows is made by a job (``list_export``): the answer is ``202`` with
the job, whose result is the file. Jobs live above ``core``, so they plug the starter in here
(:func:`job_starter_install`) as the access log plugs in its recorder.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import audit
from apps.core.api.fields import PartialDateField
from apps.core.api.policies import CursorPagination

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")
# Text a spreadsheet would read as a formula (OWASP's list), also after leading whitespace.
FORMULA_START = re.compile(r"^[\s]*[=+\-@\t\r]")
# A number written as text ("-12", "3.5") is a number in a spreadsheet, not a formula.
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# What XML 1.0 (and so XLSX) cannot hold: control characters other than tab, newline, return.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LIST_SEPARATOR = "; "


class CSVRenderer(renderers.BaseRenderer):
    """Names ``?format=csv`` for content negotiation; the list view writes the file itself."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover
        raise NotImplementedError("Exports are written by ExportMixin.list, not rendered.")


class XLSXRenderer(CSVRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None


class ExportNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is a 400 naming ``format`` (DRF's default is a bare 404)."""

    def filter_renderers(self, renderers, format):
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            names = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise exceptions.ValidationError(
                {
                    "format": [
                        _("There is no format %(format)s here; use one of: %(names)s.")
                        % {"format": format, "names": names}
                    ]
                }
            )
        return found


# -- cells --------------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell that is never run as a formula; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = XML_ILLEGAL.sub("", str(value))
    if FORMULA_START.match(text) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class Column:
    """One column: the path of names to its value in a serialized row, and whether a list
    lies on the way (then the values found are joined)."""

    def __init__(self, path: tuple[str, ...], joined: bool):
        self.path = path
        self.joined = joined
        self.name = ".".join(path)

    def value(self, row: dict) -> Any:
        found: list = [row]
        for name in self.path:
            following = []
            for item in found:
                value = item.get(name) if isinstance(item, dict) else None
                if isinstance(value, list):
                    following.extend(value)
                elif value is not None:
                    following.append(value)
            found = following
        if not self.joined:
            return found[0] if found else None
        return LIST_SEPARATOR.join(
            str(safe_cell(item)) if not isinstance(item, dict) else "" for item in found
        )


# Fields whose representation is an object of known keys, though they are not serializers.
OBJECT_FIELD_KEYS: dict[type, tuple[str, ...]] = {
    PartialDateField: ("value", "display", "start", "end", "precision", "approximate"),
}


def export_columns(serializer: serializers.Serializer, *, omit: tuple[str, ...] = ()) -> list[Column]:
    """The columns of a list serializer's rows, from its fields (not from the data: every row
    and every export of a list has the same header). ``omit`` names top-level fields the
    list's rows never carry (the view's ``export_omitted_fields``)."""
    columns: list[Column] = []

    def walk(fields, prefix: tuple[str, ...], joined: bool) -> None:
        for name, field in fields.items():
            if field.write_only or (not prefix and name in omit):
                continue
            path = (*prefix, name)
            if isinstance(field, serializers.ListSerializer):
                walk(field.child.fields, path, True)
            elif isinstance(field, serializers.BaseSerializer):
                walk(field.fields, path, joined)
            elif type(field) in OBJECT_FIELD_KEYS:
                columns.extend(Column((*path, key), joined) for key in OBJECT_FIELD_KEYS[type(field)])
            else:
                many = isinstance(field, serializers.ListField | serializers.ManyRelatedField)
                columns.append(Column(path, joined or many))

    walk(serializer.fields, (), False)
    if "version" not in serializer.fields:
        columns.append(Column(("version",), False))
    return columns


# -- the rows -----------------------------------------------------------------------------------


def export_queryset(view):
    """The queryset the JSON list pages through: scoped, filtered, in the list's order."""
    queryset = view.filter_queryset(view.get_queryset())
    paginator = view.paginator
    if isinstance(paginator, CursorPagination):
        # A cursor list orders in its paginator (e.g. an article search by rank).
        queryset = queryset.order_by(*paginator.get_ordering(view.request, queryset, view))
    return queryset


def export_rows(view, queryset, columns: list[Column], *, language: str | None = None) -> Iterator[list]:
    """Each record as a list of safe cells, read ``EXPORT_CHUNK_SIZE`` at a time.

    ``iterator(chunk_size=…)`` keeps one chunk in memory (a server-side cursor on PostgreSQL)
    and runs the selector's prefetches once per chunk, so the queries grow with the chunks,
    never with the rows. Each chunk goes through the list serializer as one page would.
    """
    size = settings.EXPORT_CHUNK_SIZE
    records = queryset.iterator(chunk_size=size)
    while chunk := list(islice(records, size)):
        # A streamed response is written after the view returned: labels and displayed dates
        # in the request's language all the same.
        with translation.override(language or translation.get_language()):
            data = view.get_serializer(chunk, many=True).data
        for record, row in zip(chunk, data, strict=True):
            row = dict(row)
            row.setdefault("version", getattr(record, "version", None))
            yield [safe_cell(column.value(row)) for column in columns]


class _Line:
    """A file-like object whose ``write`` hands back the line csv.writer wrote."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(header: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    """The CSV file in pieces of about a chunk of rows: a UTF-8 byte order mark (so that a
    spreadsheet reads Hangul and Cyrillic right), the header, then the rows."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([safe_cell(name) for name in header])).encode()
    pending: list[str] = []
    for row in rows:
        pending.append(writer.writerow(row))
        if len(pending) >= settings.EXPORT_CHUNK_SIZE:
            yield "".join(pending).encode()
            pending = []
    if pending:
        yield "".join(pending).encode()


def xlsx_write(
    file,
    *,
    header: list[str],
    rows: Iterator[list],
    title: str,
    progress: Callable[[int], None] | None = None,
    total: int = 0,
) -> int:
    """Write an XLSX workbook of ``rows`` to ``file`` (a path or a binary file); returns the
    number of rows. openpyxl's write-only mode keeps no rows in memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "export")
    sheet.append([safe_cell(name) for name in header])
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
        if progress is not None and total and count % settings.EXPORT_CHUNK_SIZE == 0:
            progress(min(95, count * 100 // total))
    workbook.save(file)
    return count


# -- who asked for it ---------------------------------------------------------------------------


def export_filters(request) -> dict[str, list[str]]:
    """The query parameters that chose the rows (everything but ``format``), as given."""
    return {name: request.query_params.getlist(name) for name in request.query_params if name != "format"}


def export_name(view) -> str:
    return getattr(view, "basename", None) or view.get_queryset().model._meta.model_name


def export_filename(view, format: str) -> str:
    return f"{export_name(view)}-{timezone.now():%Y%m%d-%H%M%S}.{format}"


def export_log(*, request, view, format: str, rows: int, detail: dict | None = None) -> None:
    """One access-log entry for one export: who, which list, its filters, how many rows."""
    audit.record(
        user=request.user,
        action=audit.SensitiveAction.EXPORT,
        detail={
            "list": export_name(view),
            "path": request.path,
            "format": format,
            "filters": export_filters(request),
            "rows": rows,
            **(detail or {}),
        },
        request=request,
    )


# The job port: apps.jobs installs a function (view, request, format, rows) -> Response (202).
_job_starter: Callable | None = None


def job_starter_install(starter: Callable) -> None:
    global _job_starter
    _job_starter = starter


def export_view_rebuild(*, view_path: str, basename: str, path: str, query: dict[str, list[str]], user):
    """The list view of ``view_path`` as it answered ``user``'s request to ``path`` with
    ``query``, outside any request (a job's worker): same scoping, filters and order."""
    http = HttpRequest()
    http.method = "GET"
    http.path = http.path_info = path
    http.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    http.GET = QueryDict(mutable=True)
    for name, values in query.items():
        http.GET.setlist(name, values)
    http.user = user
    request = Request(http, authenticators=())
    request.user = user
    view = import_string(view_path)(action="list", basename=basename, detail=False)
    view.request, view.args, view.kwargs, view.format_kwarg = request, (), {}, None
    view.headers = {}
    return view


# -- the mixin ----------------------------------------------------------------------------------


class ExportMixin:
    """``?format=csv|xlsx`` (or ``Accept: text/csv``) on the list action of a viewset."""

    export_formats = EXPORT_FORMATS
    content_negotiation_class = ExportNegotiation
    # Fields of the serializer that its list rows never carry (e.g. protected identity).
    export_omitted_fields: tuple[str, ...] = ()

    def export_columns(self) -> list[Column]:
        return export_columns(self.get_serializer(), omit=self.export_omitted_fields)

    def get_renderers(self):
        found = super().get_renderers()
        # Only the list exports; the schema documents the files itself (apps.core.api.schema).
        if getattr(self, "action", None) == "list" and not getattr(self, "swagger_fake_view", False):
            found += [CSVRenderer(), XLSXRenderer()]
        return found

    def _exporting(self) -> str | None:
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer.format if renderer is not None and renderer.format in EXPORT_FORMATS else None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error (or a job's 202) is JSON, whichever file was asked for.
        if isinstance(response, Response) and self._exporting():
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        format = self._exporting()
        if format is None:
            return super().list(request, *args, **kwargs)
        queryset = export_queryset(self)
        rows = queryset.count()
        if format == "xlsx" and rows > settings.EXPORT_XLSX_SYNC_ROWS:
            if _job_starter is None:  # pragma: no cover - apps.jobs is always installed
                raise exceptions.APIException(_("Large exports need the jobs app."))
            return _job_starter(view=self, request=request, format=format, rows=rows)
        # Logged before a byte leaves: an export cut short was still handed out in part.
        export_log(request=request, view=self, format=format, rows=rows)
        columns = self.export_columns()
        header = [column.name for column in columns]
        filename = export_filename(self, format)
        if format == "csv":
            response = StreamingHttpResponse(
                csv_chunks(header, export_rows(self, queryset, columns, language=translation.get_language())),
                content_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        else:
            file = tempfile.TemporaryFile(suffix=".xlsx")
            xlsx_write(
                file, header=header, rows=export_rows(self, queryset, columns), title=export_name(self)
            )
            file.seek(0)
            response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_MEDIA_TYPE)
        response["Cache-Control"] = "no-store"
        return response
