from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.tokens.models import ApiToken
from apps.tokens.services import api_token_create, api_token_revoke


class ApiTokenCreateForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "scope", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["prefix", "public_id", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scope", "expires_at"]
        return ["prefix", "public_id", "user", "name", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A token's owner and scope are fixed: issue a new token rather than widen an old one.
        return [*self.readonly_fields, "user", "scope"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        record, token = api_token_create(
            user=data["user"], scope=data["scope"], name=data["name"], expires_at=data["expires_at"]
        )
        # The admin's redirect after saving needs the saved record's primary key.
        obj.pk = record.pk
        obj.public_id = record.public_id
        messages.warning(
            request,
            _("The new token is %(token)s — copy it now: only its hash is stored and it will not be shown again.") % {"token": token},
        )

    def log_addition(self, request, obj, message):
        # obj is a placeholder whose pk points at the record the service created.
        return super().log_addition(request, ApiToken.objects.get(pk=obj.pk), message)

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("Revoked %(count)s token(s).") % {"count": queryset.count()}, messages.SUCCESS)
