"""Admin for documents: the upload form, the state of the text, the hash, a download that is
checked and logged, and an action to read the text again."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from apps.core import scoping
from apps.core.admin import READONLY_RECORD_FIELDS, ServiceAdmin
from apps.core.admin_forms import LoadedChoicesForm
from apps.documents.http import attachment_headers
from apps.documents.models import Document
from apps.documents.services import (
    TamperedDocument,
    document_delete,
    document_extract_enqueue,
    document_open,
    document_update,
    document_upload,
)
from apps.sources.admin import source_text

TEXT_PREVIEW_CHARS = 20_000


class DocumentForm(LoadedChoicesForm, forms.ModelForm):
    file = forms.FileField(
        label=_("file"),
        required=True,
        help_text=_(
            "PDF, PNG, JPEG or TIFF. Kept unchanged and encrypted; its text is read after the upload."
        ),
    )

    class Meta:
        model = Document
        fields = ("case", "proceeding", "title", "kind")


class DocumentChangeForm(LoadedChoicesForm, forms.ModelForm):
    class Meta:
        model = Document
        fields = ("case", "proceeding", "title", "kind")


@admin.register(Document)
class DocumentAdmin(ServiceAdmin):
    list_display = ("title", "case", "kind", "proceeding", "text_state", "size_display", "created_at")
    list_select_related = ("case", "proceeding__authority")
    list_filter = ("kind", "text_state", "content_type")
    search_fields = ("title", "original_name", "case__reference", "sha256")
    autocomplete_fields = ("case", "proceeding")
    ordering = ("-created_at", "-id")
    actions = ("extract_again",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = DocumentChangeForm if obj is not None else DocumentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("case", "proceeding", "title", "kind", "file")}),)
        return (
            (None, {"fields": ("case", "proceeding", "title", "kind")}),
            (
                _("File, kept as uploaded"),
                {
                    "fields": (
                        "download",
                        "original_name",
                        "content_type",
                        "size_display",
                        "sha256",
                        "uploaded_by",
                    )
                },
            ),
            (
                _("Text"),
                {"fields": ("text_state", "text_method", "text_languages", "text_error", "text_preview")},
            ),
            (_("Record"), {"fields": READONLY_RECORD_FIELDS, "classes": ("collapse",)}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The case is where the file belongs; moving it is a new upload.
        return (
            "case",
            "download",
            "original_name",
            "content_type",
            "size_display",
            "sha256",
            "uploaded_by",
            "text_state",
            "text_method",
            "text_languages",
            "text_error",
            "text_preview",
            *READONLY_RECORD_FIELDS,
        )

    def create(self, request, form):
        data = form.cleaned_data
        upload = data["file"]
        return document_upload(
            case=data["case"],
            proceeding=data.get("proceeding"),
            title=data.get("title", ""),
            kind=data["kind"],
            file=upload,
            original_name=upload.name,
            uploaded_by=request.user,
        )

    def update(self, request, document, changes, form):
        changes.pop("case", None)
        document, _changed = document_update(document=document, **changes)
        return document

    def delete(self, request, document):
        document_delete(document=document)

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, document):
        return filesizeformat(document.size)

    @admin.display(description=_("download"))
    def download(self, document):
        url = reverse("admin:documents_document_content", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download the original (logged)"))

    @admin.display(description=_("text"))
    def text_preview(self, document):
        if not document.text:
            return "—"
        text = document.text
        if len(text) > TEXT_PREVIEW_CHARS:
            text = text[:TEXT_PREVIEW_CHARS] + "…"
        return source_text(text)

    @admin.action(description=_("Read the text again (text layer or OCR)"), permissions=["change"])
    def extract_again(self, request, queryset):
        queued, refused = 0, []
        for document in queryset:
            if not scoping.can_write(request.user, document):
                refused.append(document.title)
                continue
            try:
                document_extract_enqueue(document=document, user=request.user)
            except ValidationError:
                refused.append(document.title)
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d document is being read again.",
                    "%(count)d documents are being read again.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                gettext(
                    "Not read again (quoted, so its text can no longer change, "
                    "or not yours to change): %(titles)s"
                )
                % {"titles": ", ".join(refused)},
                messages.WARNING,
            )

    def get_urls(self):
        view = self.admin_site.admin_view(self.content_view)
        return [path("<int:pk>/content/", view, name="documents_document_content"), *super().get_urls()]

    def content_view(self, request, pk):
        """The original file, decrypted: only a user who may see its case, and logged."""
        document = get_object_or_404(scoping.visible(Document, request.user), pk=pk)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        try:
            data = document_open(document=document, user=request.user, request=request, channel="admin")
        except TamperedDocument as error:
            # Evidence that no longer matches its hash is never handed out as if it did.
            self.message_user(
                request,
                gettext("The stored file is damaged and was not sent: %(reason)s") % {"reason": error},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:documents_document_change", args=[document.pk]))
        response = HttpResponse(data, content_type=document.content_type)
        for name, value in attachment_headers(document).items():
            response[name] = value
        return response
