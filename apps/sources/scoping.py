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
from apps.sources.models import Article, Citation, DateReading, KnownOutlet


def _supported_model(name: str):
    return Citation._meta.get_field(name).related_model


def _visible_readings(user) -> QuerySet[DateReading]:
    # An agreement's dates are reference material, as its provisions are; a proceeding's
    # follow the proceeding (its case).
    return DateReading.objects.filter(
        Q(agreement__isnull=False)
        | Q(proceeding__in=scoping.visible(DateReading._meta.get_field("proceeding").related_model, user))
    )


def _visible_citation_condition(user) -> Q:
    proceeding = _supported_model("proceeding")
    supported = (
        scoping.visible_condition(_supported_model("fact"), user, through="fact")
        | scoping.visible_condition(proceeding, user, through="proceeding")
        | Q(provision__isnull=False)
        | Q(date_reading__agreement__isnull=False)
        | scoping.visible_condition(proceeding, user, through="date_reading__proceeding")
    )
    # A quote of a case's document is as private as the document (its case's), whatever it
    # supports: a provision is reference material, the letter quoted for it is not.
    quoted = Q(document__isnull=True) | scoping.visible_condition(_supported_model("document"), user, through="document")
    return supported & quoted


def _visible_citations(user) -> QuerySet[Citation]:
    return Citation.objects.filter(_visible_citation_condition(user))


def _case_record(citation: Citation):
    """The record of a case a citation's visibility follows, or None for reference material."""
    if citation.date_reading_id:
        return citation.date_reading.proceeding
    return citation.fact or citation.proceeding


def _can_write_citation(user, citation: Citation) -> bool:
    if citation.document_id and not scoping.can_write(user, citation.document):
        return False
    target = _case_record(citation)
    return True if target is None else scoping.can_write(user, target)


def _writable_readings(user) -> QuerySet[DateReading]:
    # What a new citation may support: an agreement's reading, or one of a proceeding the
    # user may write to (a shared case's are visible, not writable).
    return DateReading.objects.filter(
        Q(agreement__isnull=False)
        | Q(proceeding__in=scoping.writable(DateReading._meta.get_field("proceeding").related_model, user))
    )


def _can_write_reading(user, reading: DateReading) -> bool:
    return True if reading.proceeding is None else scoping.can_write(user, reading.proceeding)


scoping.register(Article, visible=scoping.everyone_active(Article))
# The outlet registry is reference material, like the articles it helps to import.
scoping.register(KnownOutlet, visible=scoping.everyone_active(KnownOutlet))
scoping.register(
    Citation,
    visible=_visible_citations,
    condition=_visible_citation_condition,
    can_write=_can_write_citation,
    holder=lambda citation: scoping.organization_holding(_case_record(citation) or citation.document),
)
scoping.register(
    DateReading,
    visible=_visible_readings,
    writable=_writable_readings,
    can_write=_can_write_reading,
    holder=lambda reading: scoping.organization_holding(reading.proceeding),
)
