"""Reads of documents, scoped to what the user may see (apps.core.scoping)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from apps.core.scoping import scoped
from apps.documents.models import Document


def document_list(*, user: AbstractBaseUser | AnonymousUser, with_text: bool = False) -> QuerySet[Document]:
    """Documents ``user`` may see, with their case and proceeding; the text only when asked
    (a scan's text can be long, and a list shows none of it)."""
    documents = Document.objects.select_related("case", "proceeding")
    if not with_text:
        documents = documents.defer("text")
    return scoped(documents, user)


def case_documents(*, case) -> list[Document]:
    """A case's documents for its case file page, newest first, without their text: one query."""
    return list(
        case.documents.select_related("proceeding__authority").defer("text").order_by("-created_at", "-id")
    )
