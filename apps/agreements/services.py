"""Writes on agreements and their provisions."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.agreements.models import Agreement, Provision
from apps.core.services import record_update


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
    agreement = Agreement(
        title=title, kind=kind, short_title=short_title, party_countries=list(party_countries),
        status=status, summary=summary, url=url,
    )
    agreement.drafted, agreement.signed = drafted, signed
    agreement.ratified, agreement.in_force = ratified, in_force
    if public_id:
        agreement.public_id = public_id
    agreement.full_clean()
    agreement.save()
    agreement.party_organizations.set(list(party_organizations))
    return agreement


def provision_add(*, agreement: Agreement, summary: str, number: str = "", text: str = "",
                  time_limit_days: int | None = None, position: int | None = None,
                  public_id=None) -> Provision:
    """Add a provision to an agreement, after the ones already known unless placed."""
    if position is None:
        position = agreement.provisions.count() + 1
    provision = Provision(agreement=agreement, summary=summary, number=number, text=text,
                          time_limit_days=time_limit_days, position=position)
    if public_id:
        provision.public_id = public_id
    provision.full_clean()
    provision.save()
    return provision


def agreement_update(*, agreement: Agreement, party_organizations: Iterable | None = None,
                     **changes) -> Agreement:
    """Change an agreement; its lifecycle dates must stay in order."""
    return record_update(record=agreement, changes=changes, m2m={"party_organizations": party_organizations})


def provision_update(*, provision: Provision, **changes) -> Provision:
    """Change a provision of an agreement (its wording, summary, time limit…)."""
    if "agreement" in changes and changes["agreement"].pk != provision.agreement_id:
        raise ValidationError({"agreement": "A provision cannot move to another agreement."})
    return record_update(record=provision, changes=changes)
