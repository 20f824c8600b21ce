"""Writes on agreements and their provisions."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.agreements.models import Agreement, Provision
from apps.agreements.signals import provision_time_limit_changed
from apps.core.services import record_create, record_update


@transaction.atomic
def agreement_create(
    *,
    title: str,
    kind: str,
    short_title: str = "",
    party_countries: Iterable[str] = (),
    party_organizations: Iterable = (),
    drafted=None,
    signed=None,
    ratified=None,
    in_force=None,
    status: str = Agreement.Status.UNKNOWN,
    summary: str = "",
    url: str = "",
    public_id=None,
) -> Agreement:
    """Record an agreement with what is known of its lifecycle (partial dates allowed)."""
    return record_create(
        model=Agreement,
        data={
            "title": title, "kind": kind, "short_title": short_title, "party_countries": list(party_countries),
            "party_organizations": list(party_organizations), "drafted": drafted, "signed": signed,
            "ratified": ratified, "in_force": in_force, "status": status, "summary": summary, "url": url,
        },
        public_id=public_id,
    )


def provision_add(*, agreement: Agreement, summary: str, number: str = "", text: str = "",
                  time_limit_days: int | None = None, position: int | None = None,
                  public_id=None) -> Provision:
    """Add a provision to an agreement, after the ones already known unless placed."""
    if position is None:
        position = agreement.provisions.count() + 1
    return record_create(
        model=Provision,
        data={"agreement": agreement, "summary": summary, "number": number, "text": text,
              "time_limit_days": time_limit_days, "position": position},
        public_id=public_id,
    )


AGREEMENT_CHANGEABLE = (
    "title", "short_title", "kind", "status", "party_countries", "party_organizations",
    "drafted", "signed", "ratified", "in_force", "summary", "url",
)
PROVISION_CHANGEABLE = ("number", "summary", "text", "time_limit_days", "position")


def agreement_update(*, agreement: Agreement, **changes) -> tuple[Agreement, bool]:
    """Change an agreement; its lifecycle dates must stay in order. Returns it and whether it changed."""
    return record_update(record=agreement, fields=AGREEMENT_CHANGEABLE, data=changes)


def provision_update(*, provision: Provision, **changes) -> tuple[Provision, bool]:
    """Change a provision of an agreement (its wording, summary, time limit…)."""
    if "agreement" in changes and changes.pop("agreement").pk != provision.agreement_id:
        raise ValidationError({"agreement": _("A provision cannot move to another agreement.")})
    with transaction.atomic():
        before = provision.time_limit_days
        provision, changed = record_update(record=provision, fields=PROVISION_CHANGEABLE, data=changes)
        if changed and provision.time_limit_days != before:
            provision_time_limit_changed.send(sender=Provision, provision=provision)
    return provision, changed
