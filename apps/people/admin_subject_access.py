"""The subject access export in the admin: a button on a person's page, and a list action.

Both call :func:`apps.people.subject_access.subject_access_export`, as the API does, so the
permission check and the access-log entry are the same wherever it is asked for. Without
``people.export_individual`` there is no button and no action, and a crafted request is
refused with a message.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.people.subject_access import (
    can_export_subject_access,
    subject_access_export,
    subject_access_filename,
)


def _download(content: dict, *, individual) -> HttpResponse:
    body = json.dumps(content, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{subject_access_filename(individual=individual)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


class SubjectAccessAdminMixin:
    """For the individual's ModelAdmin: ``<id>/subject-access/`` and the action."""

    actions = ["subject_access_action"]

    def has_subject_access_permission(self, request) -> bool:
        return can_export_subject_access(user=request.user)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/subject-access/",
                self.admin_site.admin_view(self.subject_access_view),
                name=f"{info[0]}_{info[1]}_subject_access",
            )
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_subject_access": self.has_subject_access_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _refused(self, request, refusal, back: str):
        self.message_user(request, str(refusal), level=messages.ERROR)
        return HttpResponseRedirect(back)

    def subject_access_view(self, request, object_id):
        individual = self.get_object(request, object_id)
        if individual is None:
            raise Http404(_("No such person."))
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[individual.pk])
        try:
            content = subject_access_export(
                individual=individual, user=request.user, channel="admin", request=request
            )
        except PermissionDenied as refusal:
            return self._refused(request, refusal, back)
        return _download(content, individual=individual)

    @admin.action(
        description=gettext_lazy("Subject access export (everything held about the person)"),
        permissions=["subject_access"],
    )
    def subject_access_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose exactly one person for a subject access export."), messages.WARNING
            )
            return None
        individual = queryset.get()
        try:
            content = subject_access_export(
                individual=individual, user=request.user, channel="admin", request=request
            )
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), level=messages.ERROR)
            return None
        return _download(content, individual=individual)
