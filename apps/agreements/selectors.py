"""Reads of agreements and provisions (reference data: every API user sees them)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from apps.agreements.models import Agreement, Provision
from apps.core.scoping import scoped
from apps.sources.selectors import date_readings_prefetch


def agreement_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Agreement]:
    return scoped(
        Agreement.objects.prefetch_related("party_organizations", "provisions", date_readings_prefetch()), user
    )


def provision_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Provision]:
    return scoped(Provision.objects.select_related("agreement"), user)
