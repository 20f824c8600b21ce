"""Spreadsheets of records: the base of every app's export and re-import (django-import-export).

A caseworker exports a filtered list to CSV or XLSX, edits it and imports it back. What the
library does not do for us, and this module does:

- **Writes go through the services.** A row's changes are handed to the app's ``*_create`` /
  ``*_update`` service (:meth:`SheetResource.create`, :meth:`SheetResource.update`), so the
  rules, the change history and the row versions hold exactly as in the admin's forms. The
  library's own ``instance.save()`` and many-to-many ``set()`` are never called.
- **No lost update.** Every exported row carries its record's ``version``; a row whose record
  moved on since is refused, naming who changed what since (from the history), and on the
  confirmed run the version is held (``version_hold``) until the import commits.
- **Scoping.** Rows are found among the records the user may see, changed only where they may
  write (``scoping.can_write``); references to other records (a case, a person, an
  organization) are looked up among those the user may write to, so another organization's
  case is "not found", never "belongs to someone else".
- **Formula injection.** A text cell that a spreadsheet would run as a formula (``=``, ``+``,
  ``-``, ``@``, tab, carriage return first) is exported with a leading apostrophe, which the
  import takes off again, so a round trip changes nothing.
- **The uploaded file** is kept between the preview and the confirmation encrypted
  (:class:`EncryptedUploadStorage`, Fernet with a key derived from ``SECRET_KEY`` and
  ``SALT_KEY``), removed after the confirmation and pruned after ``SHEETS_UPLOAD_HOURS``.

The column names are stable English words (they are the file's schema); choice columns carry
the label and accept the stored value or the label in English or Russian; partial dates are
written as displayed and read by the admin's own parser.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.tmp_storages import BaseStorage

from apps.core import scoping
from apps.core.admin_forms import PartialDateFormField
from apps.core.services import StaleVersion, version_hold

# What a spreadsheet may read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PUBLIC_ID = "public id"
VERSION = "version"


def formula_safe(value):
    """``value`` as a cell no spreadsheet runs: text that starts like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_unescaped(value):
    """The text :func:`formula_safe` escaped, as it was (a cell typed with ``'=`` too)."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "".join(FORMULA_STARTS):
        return value[1:]
    return value


# -- widgets: how a cell is written and read --------------------------------------------------


class TextWidget(widgets.CharWidget):
    """Text, trimmed; an empty cell is an empty text."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        return str(value).strip()


class DateWidget(widgets.DateWidget):
    """A day; a spreadsheet's date-and-time cell is read as its day."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value.date() if isinstance(value, datetime.datetime) else value


class PartialDateWidget(widgets.Widget):
    """A partial date as it is displayed ("January 2016"), read by the admin's parser."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        try:
            return PartialDateFormField().clean(str(value))
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A choice by its label; reads the stored value or the label in English or Russian."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        for stored, _label in self.choices:
            if text == str(stored):
                return stored
        for language in ("en", "ru"):
            with translation.override(language):
                for stored, label in self.choices:
                    if text.casefold() == str(label).casefold():
                        return stored
        with translation.override("en"):
            names = ", ".join(str(label) for _stored, label in self.choices)
        raise ValueError(_("“%(value)s” is not one of: %(names)s.") % {"value": text, "names": names})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value if value is not None else ""))


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related record by a readable key (a case's reference, a person's pseudonym).

    Looked up among the records the importing user may write to (``scoping.writable``), so
    another organization's record is simply not found. The resource sets ``user``.
    """

    user = None

    def get_queryset(self, value, row, *args, **kwargs):
        if scoping.is_scoped(self.model):
            return scoping.writable(self.model, self.user)
        return self.model._default_manager.all()

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        found = list(self.get_queryset(text, row, **kwargs).filter(**{self.field: text})[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(
                _("More than one record is called “%(value)s”: give its public id instead.") % {"value": text}
            )
        raise ValueError(_("“%(value)s” was not found among the records you may use.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class ScopedManyToManyWidget(widgets.ManyToManyWidget):
    """Several related records by their readable keys, separated by commas (see above)."""

    user = None

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return []
        one = ScopedForeignKeyWidget(self.model, field=self.field)
        one.user = self.user
        return [one.clean(name) for name in str(value).split(self.separator) if name.strip()]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{self.separator} ".join(str(getattr(item, self.field)) for item in value.all())


def text(column: str, attribute: str | None = None, **kwargs) -> fields.Field:
    return fields.Field(
        attribute=attribute or column.replace(" ", "_"), column_name=column, widget=TextWidget(), **kwargs
    )


def date(column: str, attribute: str | None = None, **kwargs) -> fields.Field:
    return fields.Field(
        attribute=attribute or column.replace(" ", "_"), column_name=column, widget=DateWidget(), **kwargs
    )


def partial_date(column: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute or column, column_name=column, widget=PartialDateWidget())


def choice(column: str, choices, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute or column, column_name=column, widget=ChoiceWidget(choices))


def related(column: str, model, key: str, attribute: str | None = None, **kwargs) -> fields.Field:
    return fields.Field(
        attribute=attribute or column,
        column_name=column,
        widget=ScopedForeignKeyWidget(model, field=key),
        **kwargs,
    )


def related_many(column: str, model, key: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(
        attribute=attribute or column,
        column_name=column,
        widget=ScopedManyToManyWidget(model, field=key, separator=","),
    )


def read_only(column: str, attribute: str, widget=None) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=column, readonly=True, widget=widget or widgets.Widget()
    )


# -- the resource --------------------------------------------------------------------------


def _permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _same(old, new) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    return old == new


class SheetResource(resources.ModelResource):
    """A spreadsheet of one model's records, written back through the app's services.

    Subclasses declare their columns (``Meta.fields``: the public id first, the version
    last), ``lookups`` (columns that find an existing record, in order: ``(column, attribute)``),
    ``select_related``/``prefetch_related`` for the export, and, if rows may be imported,
    ``importable = True`` with :meth:`create` and :meth:`update`. A column whose field is
    read-only is exported and ignored on import.
    """

    public_id = read_only(PUBLIC_ID, "public_id")
    version = read_only(VERSION, "version", widgets.IntegerWidget())

    importable = False
    lookups: tuple[tuple[str, str], ...] = ((PUBLIC_ID, "public_id"),)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    class Meta:
        import_id_fields = ("public_id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, *, user=None, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.progress = progress  # (percent) -> None, for an import run as a job
        self.row_versions: dict = {}
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget | ScopedManyToManyWidget):
                field.widget.user = user

    # Export ----------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def export_rows(self, queryset, **kwargs):
        """What :meth:`export` puts in its dataset, one line at a time: the header, then each row.

        The same steps (``before_export``, ``filter_export``, the columns, ``export_resource``)
        over ``iter_queryset``, which reads the records a chunk at a time, so a long list is
        never held whole (a streamed CSV, a job's file).
        """
        self.before_export(queryset, **kwargs)
        queryset = self.filter_export(queryset, **kwargs)
        selected = kwargs.get("export_fields")
        yield self.get_export_headers(selected_fields=selected)
        for record in self.iter_queryset(queryset):
            yield self.export_resource(record, selected_fields=selected, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return formula_safe(super().export_field(field, instance, **kwargs))

    def dehydrate_public_id(self, record):
        return str(record.public_id)

    # Import: finding the row's record --------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.total_rows = len(dataset)

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number") or 0
        if self.progress is not None and self.total_rows and number % 50 == 0:
            self.progress(min(99, int(100 * number / self.total_rows)))

    def before_import_row(self, row, **kwargs):
        for column, value in list(row.items()):
            row[column] = formula_unescaped(value)

    def get_instance(self, instance_loader, row):
        visible = scoping.visible(self._meta.model, self.user)
        for column, attribute in self.lookups:
            value = row.get(column)
            if value is None or str(value).strip() == "":
                continue
            value = str(value).strip()
            try:
                return visible.get(**{attribute: value})
            except (self._meta.model.DoesNotExist, ValidationError, ValueError):
                raise ValidationError(
                    {
                        column: _(
                            "No record “%(value)s” that you may see: leave the cell empty to add a new one."
                        )
                        % {"value": value}
                    }
                ) from None
        return None

    def after_init_instance(self, instance, new, row, **kwargs):
        model = self._meta.model
        if not self.importable:
            raise ValidationError({NON_FIELD_ERRORS: _("These records cannot be imported.")})
        if new:
            if not self.user.has_perm(_permission(model, "add")):
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: _("You may not add %(things)s.")
                        % {"things": model._meta.verbose_name_plural}
                    }
                )
            return
        if not self.user.has_perm(_permission(model, "change")) or not scoping.can_write(self.user, instance):
            raise ValidationError({NON_FIELD_ERRORS: _("You may read this record but not change it.")})
        self.row_versions[instance.pk] = self._row_version(instance, row)

    def _row_version(self, record, row) -> int:
        value = row.get(VERSION)
        try:
            seen = int(float(value))
        except (TypeError, ValueError):
            raise ValidationError(
                {VERSION: _("Give the version the row was exported with (the “version” column).")}
            ) from None
        if seen != record.version:
            from apps.core.admin import changes_since  # the admin's wording of "who changed what since"

            raise ValidationError(
                {
                    VERSION: _("%(changes)s Export the list again and make your change on the new file.")
                    % {"changes": changes_since(record, seen)}
                },
                code="stale",
            )
        return seen

    # Import: the write, through the services ------------------------------------------

    def _writable_fields(self):
        return [field for field in self.get_import_fields() if field.attribute and not field.readonly]

    def _is_many(self, field) -> bool:
        return isinstance(field.widget, widgets.ManyToManyWidget)

    def row_data(self, instance, row) -> dict:
        """Every writable column of ``row`` by its attribute, as read (for a new record)."""
        data = {}
        for field in self._writable_fields():
            if field.column_name not in row:
                continue
            data[field.attribute] = (
                field.clean(row) if self._is_many(field) else getattr(instance, field.attribute)
            )
        return data

    def row_changes(self, stored, instance, row) -> dict:
        """The writable columns of ``row`` that differ from ``stored``, by attribute."""
        changes = {}
        for field in self._writable_fields():
            if field.column_name not in row:
                continue
            if self._is_many(field):
                new = list(field.clean(row))
                if {item.pk for item in new} != {item.pk for item in getattr(stored, field.attribute).all()}:
                    changes[field.attribute] = new
                continue
            new = getattr(instance, field.attribute)
            if not _same(getattr(stored, field.attribute), new):
                changes[field.attribute] = new
        return changes

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: an existing record whose writable columns all say what it says now."""
        if original is None or original.pk is None or import_validation_errors:
            return False
        return not self.row_changes(original, instance, row)

    def save_instance(self, instance, is_create, row, **kwargs):
        model = self._meta.model
        try:
            if is_create:
                saved = self.create(data=self.row_data(instance, row), row=row)
            else:
                stored = model._default_manager.get(pk=instance.pk)
                try:
                    version_hold(record=stored, expected=self.row_versions[instance.pk])
                except StaleVersion:
                    from apps.core.admin import changes_since

                    raise ValidationError(
                        {VERSION: changes_since(stored, self.row_versions[instance.pk])}
                    ) from None
                saved = self.update(record=stored, changes=self.row_changes(stored, instance, row), row=row)
        except PermissionDenied as refusal:
            raise ValidationError({NON_FIELD_ERRORS: str(refusal)}) from refusal
        instance.pk = saved.pk
        instance.refresh_from_db()
        instance._state.adding = False

    def save_m2m(self, instance, row, **kwargs):
        """Nothing: the sets went to the service with the record."""

    def create(self, *, data: dict, row) -> models.Model:  # pragma: no cover - importable resources define it
        raise NotImplementedError

    def update(self, *, record, changes: dict, row) -> models.Model:  # pragma: no cover
        raise NotImplementedError


# -- the uploaded file, encrypted at rest -----------------------------------------------------

UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")


def _fernet() -> MultiFernet:
    """The upload key: derived from SECRET_KEY and each SALT_KEY (newest first), per deployment."""
    keys = []
    for salt in settings.SALT_KEY:
        digest = hashlib.sha256(f"casetracker.sheets:{salt}:{settings.SECRET_KEY}".encode()).digest()
        keys.append(Fernet(base64.urlsafe_b64encode(digest)))
    return MultiFernet(keys)


def upload_root() -> Path:
    return Path(settings.SHEETS_UPLOAD_ROOT)


class EncryptedUploadStorage(BaseStorage):
    """Import-export's temporary storage, encrypted: the bytes on disk are a Fernet token.

    Named by a random hex name (checked, so a crafted confirmation cannot point elsewhere);
    removed when the import is confirmed, and by :func:`sheets_prune` after
    ``SHEETS_UPLOAD_HOURS`` if it never is.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name is not None and not UPLOAD_NAME.match(self.name):
            raise ValidationError(_("This upload is not known: upload the file again."))

    def _path(self) -> Path:
        return upload_root() / self.name

    def save(self, data):
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        if not self.name:
            self.name = uuid.uuid4().hex
        upload_root().mkdir(parents=True, exist_ok=True)
        path = self._path()
        path.write_bytes(_fernet().encrypt(data))
        path.chmod(0o600)

    def read(self):
        try:
            data = _fernet().decrypt(self._path().read_bytes())
        except (FileNotFoundError, InvalidToken):
            raise ValidationError(
                _("This upload has expired or was already imported: upload the file again.")
            ) from None
        if "b" not in self.read_mode:
            return data.decode(self.encoding or "utf-8")
        return data

    def remove(self):
        self._path().unlink(missing_ok=True)


def sheets_prune(*, hours: float | None = None) -> int:
    """Delete uploaded spreadsheets older than ``hours`` (``SHEETS_UPLOAD_HOURS``); how many."""
    hours = settings.SHEETS_UPLOAD_HOURS if hours is None else hours
    root = upload_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - hours * 3600
    removed = 0
    for path in root.iterdir():
        if path.is_file() and UPLOAD_NAME.match(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
