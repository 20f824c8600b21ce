"""Writes on memberships and the access log (which the audit port, apps.core.audit, calls)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from apps.access.models import AccessLog, Membership
from apps.access.scoping import can_write_to_organization
from apps.core import custody
from apps.core.client_address import client_ip as _client_ip
from apps.core.scoping import organization_holding, organization_ids_holding
from apps.people.models import Organization


def access_log_record(
    *,
    user: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    organization: Organization | None = None,
    detail: dict[str, Any] | None = None,
    request=None,
) -> AccessLog:
    """Append one entry to the access log: ``user`` did ``action`` on ``obj``.

    ``detail`` is for context (format, dossier level, token name) and must never contain the
    protected values themselves. ``organization`` defaults to the one holding ``obj``.
    """
    user = user if user is not None and user.is_authenticated else None
    entry = AccessLog(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        organization=organization or organization_holding(obj),
        ip_address=_client_ip(request),
        detail=detail or {},
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    entry.full_clean(exclude=["user", "organization"])
    entry.save()
    return entry


def membership_add(*, user: AbstractBaseUser, organization: Organization, by: AbstractBaseUser) -> Membership:
    """Make ``user`` a member of ``organization``; ``by`` must belong to it already."""
    if not can_write_to_organization(by, organization):
        raise ValidationError({"organization": _("You can only add people to organizations you are a member of.")})
    membership, _created = Membership.objects.get_or_create(user=user, organization=organization)
    return membership


def protected_read_record(*, request, records) -> list[AccessLog]:
    """Log that protected data were sent to an API client: one entry per record.

    For the API's individual views (list and detail) when the response carries the protected
    fields. The entry names the token used (its public id and prefix — never the key), so an
    auditor can tell which integration read whom. Constant queries whatever the number of
    records, so a list page stays a constant number of queries.
    """
    records = list({record.pk: record for record in records}.values())
    if not records:
        return []
    token = getattr(request, "auth", None)
    detail = {"channel": "api", "path": request.path[:200]}
    if token is not None and hasattr(token, "prefix"):
        detail["token"] = {"id": str(token.public_id), "prefix": token.prefix, "name": token.name}
    holders = organization_ids_holding(records)
    user = request.user if request.user.is_authenticated else None
    entries = [
        AccessLog(
            user=user,
            username=user.get_username() if user else "",
            action=AccessLog.Action.API_PROTECTED_READ,
            object_type=record._meta.label_lower,
            object_id=str(record.pk),
            object_repr=str(record)[:200],
            organization_id=holders.get(record.pk),
            ip_address=_client_ip(request),
            detail=detail,
        )
        for record in records
    ]
    with transaction.atomic(savepoint=False):
        entries = AccessLog.objects.bulk_create(entries)
        # bulk_create sends no post-save signal: seal the entries here, in the same transaction.
        custody.seal_rows(model=AccessLog, rows=entries)
    return entries


class AccessLogRecorder:
    """The access log behind the audit port (apps.core.audit), installed when the app is ready."""

    def record(self, *, user, action, obj=None, organization=None, detail=None, request=None):
        return access_log_record(
            user=user, action=action, obj=obj, organization=organization, detail=detail, request=request
        )

    def record_api_reads(self, *, request, records):
        return protected_read_record(request=request, records=records)
