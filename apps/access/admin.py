"""Admin for memberships and the access log.

The access log is read-only for everyone, superusers included: no add, no change, no delete
(retention pruning is a command, apps/access/management/commands/access_log_prune.py).
Auditors and supervisors browse the entries of their organizations.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.access import scoping
from apps.access.models import AccessLog, Membership
from apps.access.services import membership_add
from apps.access.two_factor import second_factor_reset
from apps.core.admin import ScopedAdminMixin, ServiceAdmin


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    fields = ("user", "organization")
    list_display = ("user", "organization", "created_at")
    list_select_related = ("user", "organization")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "user__first_name", "user__last_name", "organization__name")
    readonly_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = scoping.organizations_of(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A membership is added or removed, never moved to another organization.
        return False

    def create(self, request, form):
        data = form.cleaned_data
        return membership_add(user=data["user"], organization=data["organization"], by=request.user)


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("at", "username", "action", "object_type", "object_repr", "organization", "ip_address")
    list_filter = ("action", "object_type", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "object_repr", "object_id")
    date_hierarchy = "at"
    list_select_related = ("organization",)
    fields = (
        "at", "user", "username", "action", "object_type", "object_id", "object_repr",
        "organization", "ip_address", "detail",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Nobody, superusers included: the log is evidence. Retention pruning is the
        # access_log_prune command's, which leaves a signed link in the audit chain.
        return False


# Authenticator secrets are not records to browse: django-otp's own device pages (which can
# show a device's QR code to an administrator) are replaced by one action on the user list.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.action(description=_("Reset the second factor (lost phone): remove devices, end sessions"),
              permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    for user in queryset:
        second_factor_reset(user=user)
    modeladmin.message_user(
        request,
        _("Second factor reset for %(count)d account(s): they set up a new authenticator at their next sign-in.")
        % {"count": len(queryset)},
    )


if admin.site.is_registered(get_user_model()):
    admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the reset of a lost second factor."""

    actions = [reset_second_factor]
