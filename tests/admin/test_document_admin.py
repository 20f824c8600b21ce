"""The documents' admin: upload at the field, a logged download, the case file's section."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.access.models import AccessLog
from apps.documents.models import Document
from tests.documents.files import pdf_with_text
from tests.factories import CaseFactory, DocumentFactory

pytestmark = pytest.mark.django_db

DECISION = "The Moscow office of the FMS refused temporary asylum."


def _upload(client, case, file):
    return client.post(
        reverse("admin:documents_document_add"),
        {
            "case": case.pk,
            "title": "FMS refusal",
            "kind": "decision",
            "file": file,
        },
    )


def test_a_caseworker_uploads_a_document_in_the_admin(client, desk):
    case = CaseFactory(organization=desk.home)
    client.force_login(desk.user)
    response = _upload(client, case, SimpleUploadedFile("refusal.pdf", pdf_with_text(DECISION)))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert (document.case, document.title, document.original_name, document.uploaded_by) == (
        case,
        "FMS refusal",
        "refusal.pdf",
        desk.user,
    )


def test_a_file_of_another_type_is_refused_at_the_field(client, desk):
    case = CaseFactory(organization=desk.home)
    client.force_login(desk.user)
    response = _upload(client, case, SimpleUploadedFile("refusal.pdf", b"<html>a web page</html>"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "file": ["This file is not a PDF, PNG, JPEG or TIFF (judged by its content, not its name)."]
    }
    assert not Document.objects.exists()


def test_the_download_is_the_original_and_logged_and_another_organization_gets_404(client, desk):
    document = DocumentFactory(case=CaseFactory(organization=desk.home))
    hidden = DocumentFactory(case=desk.hidden)
    client.force_login(desk.user)
    response = client.get(reverse("admin:documents_document_content", args=[document.pk]))
    assert response.status_code == 200 and response.content == pdf_with_text(DECISION)
    assert AccessLog.objects.filter(action="document_download", object_id=str(document.pk)).count() == 1
    assert client.get(reverse("admin:documents_document_content", args=[hidden.pk])).status_code == 404
    assert not AccessLog.objects.filter(object_id=str(hidden.pk), action="document_download").exists()


def test_the_case_file_lists_its_documents(client, desk):
    case = desk.case()
    document = DocumentFactory(case=case, title="Refusal of temporary asylum")
    client.force_login(desk.user)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert 'id="documents"' in page and "Refusal of temporary asylum" in page
    assert reverse("admin:documents_document_content", args=[document.pk]) in page


def test_the_text_preview_and_the_read_again_action(client, desk, django_capture_on_commit_callbacks):
    document = DocumentFactory(case=CaseFactory(organization=desk.home))
    client.force_login(desk.user)
    page = client.get(reverse("admin:documents_document_change", args=[document.pk])).content.decode()
    assert DECISION in page and document.sha256 in page
    response = client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "extract_again", "_selected_action": [document.pk]},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.text_state == "pending"
