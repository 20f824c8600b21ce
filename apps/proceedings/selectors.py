"""Reads of proceedings, scoped to what ``user`` may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from apps.core.scoping import scoped
from apps.proceedings.models import Proceeding
from apps.sources.models import Citation
from apps.sources.selectors import date_readings_prefetch


def proceeding_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Proceeding]:
    """Proceedings with their legal basis, events, quotes, and the case's other proceedings
    (ids only) from which appeal chains are built without a query per step."""
    queryset = Proceeding.objects.select_related("case", "authority", "subject", "appeal_of").prefetch_related(
        "agreements",
        "provisions",
        "events",
        Prefetch("appeals", queryset=Proceeding.objects.only("id", "public_id", "appeal_of_id")),
        Prefetch("citations", queryset=Citation.objects.select_related("article__outlet", "document")),
        date_readings_prefetch(),
        Prefetch(
            "case__proceedings",
            queryset=Proceeding.objects.only("id", "public_id", "appeal_of_id", "case_id"),
            to_attr="proceeding_ids",
        ),
    )
    return scoped(queryset, user)
