"""Who works for which organization, and the rules for the records this app keeps.

Visibility of every model is dispatched by ``apps.core.scoping``; each app registers the rules
for its own models. This app owns the ground the others stand on — memberships — and the
rules for organizations, memberships and the access log. The rules for cases (and what they
hold, people included) are in ``apps.cases.scoping``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.access.models import AccessLog, Membership
from apps.core import scoping
from apps.people.models import Organization


def organizations_of(user) -> QuerySet[Organization]:
    """The organizations ``user`` is a member of (every organization for a superuser)."""
    if scoping.sees_everything(user):
        return Organization.objects.all()
    if not scoping.is_active(user):
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=member_organization_ids(user))


def member_organization_ids(user) -> QuerySet:
    """The ids of ``user``'s organizations, as a subquery."""
    return Membership.objects.filter(user=user).values("organization_id")


def is_member_anywhere(user) -> bool:
    """Whether ``user`` belongs to at least one organization."""
    return Membership.objects.filter(user=user).exists()


def can_write_to_organization(user, organization: Organization | None) -> bool:
    """Whether ``user`` may create or change records held by ``organization``."""
    if organization is None or not scoping.is_active(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organization=organization).exists()


def check_can_write_to_organization(user, organization: Organization | None) -> None:
    """Refuse a write that would put a record into an organization ``user`` does not belong to.

    Call it with the organization a form or payload *asks for*, before saving: this is what
    stops mass assignment (a crafted ``organization`` field moving a case out of reach).
    """
    if not can_write_to_organization(user, organization):
        raise PermissionDenied(_("You can only write to the organizations you are a member of."))


def _visible_access_logs(user) -> QuerySet[AccessLog]:
    # Entries with no organization (failed logins) are for superusers only. Whether the user
    # may open the log at all is the permission ``access.view_accesslog``.
    return AccessLog.objects.filter(organization__in=organizations_of(user))


def _visible_memberships(user) -> QuerySet[Membership]:
    return Membership.objects.filter(organization__in=organizations_of(user))


# Organizations (courts, agencies, outlets, NGOs) are reference material for every active user.
scoping.register(
    Organization,
    visible=scoping.everyone_active(Organization),
    holder=lambda organization: organization,
)
scoping.register(
    Membership,
    visible=_visible_memberships,
    can_write=lambda user, membership: can_write_to_organization(user, membership.organization),
    holder=lambda membership: membership.organization,
)
# The access log is append-only: nobody changes an entry.
scoping.register(AccessLog, visible=_visible_access_logs, can_write=lambda user, entry: False)
