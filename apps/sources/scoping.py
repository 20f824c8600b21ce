"""Articles are published sources; a citation is as visible as what it supports.

What is sensitive is which case an article supports, and that lives in the citation: a
citation supporting a fact or a proceeding follows that record's own rule (its case's), and a
citation of a provision is reference material. This app sits below the ones whose records a
citation supports, so it reaches their rules through the dispatch, by the model its foreign
key names, never by importing them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core import scoping
from apps.sources.models import Article, Citation


def _supported_model(name: str):
    return Citation._meta.get_field(name).related_model


def _visible_citation_condition(user) -> Q:
    return (
        scoping.visible_condition(_supported_model("fact"), user, through="fact")
        | scoping.visible_condition(_supported_model("proceeding"), user, through="proceeding")
        | Q(provision__isnull=False)
    )


def _visible_citations(user) -> QuerySet[Citation]:
    return Citation.objects.filter(_visible_citation_condition(user))


def _can_write_citation(user, citation: Citation) -> bool:
    target = citation.fact or citation.proceeding
    return True if target is None else scoping.can_write(user, target)


scoping.register(Article, visible=scoping.everyone_active(Article))
scoping.register(
    Citation,
    visible=_visible_citations,
    condition=_visible_citation_condition,
    can_write=_can_write_citation,
    holder=lambda citation: scoping.organization_holding(citation.fact or citation.proceeding),
)
