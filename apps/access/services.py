"""Writes on memberships, case shares and the access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from apps.access.models import AccessLog, CaseShare, Membership
from apps.access.scoping import (
    check_can_write_to_case,
    check_can_write_to_organization,
    organization_holding,
)
from apps.cases.models import Case
from apps.people.models import Organization


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wrote. Behind a proxy,
    # configure the proxy to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    check_can_write_to_organization(by, organization)
    membership, _created = Membership.objects.get_or_create(user=user, organization=organization)
    return membership


def case_share_grant(
    *,
    case: Case,
    user: AbstractBaseUser,
    by: AbstractBaseUser,
    reason: str,
    expires_on: dt.date | None = None,
) -> CaseShare:
    """Let ``user`` read ``case`` (e.g. a partner lawyer); only its organization can share it."""
    check_can_write_to_case(by, case)
    share = CaseShare.objects.filter(case=case, user=user).first() or CaseShare(case=case, user=user)
    share.granted_by = by
    share.reason = reason
    share.expires_on = expires_on
    share.full_clean()
    share.save()
    return share


def case_share_revoke(*, share: CaseShare, by: AbstractBaseUser) -> None:
    """End a share; only the organization holding the case can."""
    check_can_write_to_case(by, share.case)
    share.delete()


def protected_read_record(*, request, individuals) -> list[AccessLog]:
    """Log that protected identities were sent to an API client: one entry per individual.

    For the API's individual views (list and detail) when the response carries the protected
    fields. The entry names the token used (its public id and prefix — never the key), so an
    auditor can tell which integration read whom. Two queries whatever the number of
    individuals, so a list page stays a constant number of queries.
    """
    individuals = list({individual.pk: individual for individual in individuals}.values())
    if not individuals:
        return []
    token = getattr(request, "auth", None)
    detail = {"channel": "api", "path": request.path[:200]}
    if token is not None and hasattr(token, "prefix"):
        detail["token"] = {"id": str(token.public_id), "prefix": token.prefix, "name": token.name}
    # The organization of each individual's first case, as organization_holding() decides it.
    holders = {}
    rows = (
        Case.subjects.through.objects.filter(individual__in=individuals)
        .order_by("individual_id", "case_id")
        .values_list("individual_id", "case__organization_id")
    )
    for individual_id, organization_id in rows:
        holders.setdefault(individual_id, organization_id)
    user = request.user if request.user.is_authenticated else None
    entries = [
        AccessLog(
            user=user,
            username=user.get_username() if user else "",
            action=AccessLog.Action.API_PROTECTED_READ,
            object_type=individual._meta.label_lower,
            object_id=str(individual.pk),
            object_repr=str(individual)[:200],
            organization_id=holders.get(individual.pk),
            ip_address=_client_ip(request),
            detail=detail,
        )
        for individual in individuals
    ]
    return AccessLog.objects.bulk_create(entries)
