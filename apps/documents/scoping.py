"""Documents are visible and writable exactly when their case is."""

from apps.cases.scoping import register_held_by_case
from apps.documents.models import Document

register_held_by_case(Document, case_path="case", parent=lambda document: document.case)
