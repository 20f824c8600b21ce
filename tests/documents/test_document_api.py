"""/api/v1/documents/: multipart upload, metadata, the logged download, scoping, quoting."""

import hashlib

import pytest
from rest_framework.test import APIClient

from apps.access.models import AccessLog
from apps.documents import storage
from apps.documents.models import Document
from tests.documents.files import pdf_with_text
from tests.factories import CaseFactory, DocumentFactory, FactFactory, MembershipFactory

pytestmark = pytest.mark.django_db

DECISION = "The Moscow office of the FMS refused temporary asylum."


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def caseworker(desk):
    return desk.user


def test_a_caseworker_uploads_a_pdf_as_multipart_and_reads_its_metadata(desk, caseworker):
    case = CaseFactory(organization=desk.home)
    data = pdf_with_text(DECISION)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(caseworker).post(
        "/api/v1/documents/",
        {
            "case": case.reference,
            "title": "FMS refusal",
            "kind": "decision",
            "file": SimpleUploadedFile("refusal.pdf", data, content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(public_id=body["id"])
    assert {
        k: body[k]
        for k in ("case", "title", "kind", "original_name", "content_type", "size", "sha256", "text_state")
    } == {
        "case": case.reference,
        "title": "FMS refusal",
        "kind": "decision",
        "original_name": "refusal.pdf",
        "content_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "text_state": "pending",
    }
    assert body["content"].endswith(f"/api/v1/documents/{document.public_id}/content/")
    assert storage.stored_path(document.storage_name).read_bytes() != data


def test_a_file_of_another_type_is_a_problem_naming_the_file(desk, caseworker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(caseworker).post(
        "/api/v1/documents/",
        {
            "case": CaseFactory(organization=desk.home).reference,
            "file": SimpleUploadedFile(
                "letter.pdf", b"<html>a web page</html>", content_type="application/pdf"
            ),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"] == {
        "file": ["This file is not a PDF, PNG, JPEG or TIFF (judged by its content, not its name)."]
    }
    assert not Document.objects.exists()


def test_the_download_is_the_original_and_is_logged(desk, caseworker):
    document = DocumentFactory(case=CaseFactory(organization=desk.home), title="FMS refusal 2016")
    response = client_for(caseworker).get(f"/api/v1/documents/{document.public_id}/content/")
    assert response.status_code == 200
    assert response.content == pdf_with_text(DECISION)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="FMS-refusal-2016.pdf"'
    assert response["Digest"] == f"sha-256={document.sha256}"
    entry = AccessLog.objects.get(action="document_download")
    assert (entry.user, entry.object_id) == (caseworker, str(document.pk))


def test_a_damaged_file_is_a_409_and_is_not_sent(desk, caseworker):
    document = DocumentFactory(case=CaseFactory(organization=desk.home))
    storage.stored_path(document.storage_name).write_bytes(b"not a token")
    response = client_for(caseworker).get(f"/api/v1/documents/{document.public_id}/content/")
    assert response.status_code == 409
    assert b"%PDF" not in response.content


def test_another_organization_neither_lists_reads_nor_downloads(desk):
    document = DocumentFactory(case=desk.hidden)
    client = client_for(desk.user)
    assert client.get("/api/v1/documents/").json()["results"] == []
    assert client.get(f"/api/v1/documents/{document.public_id}/").status_code == 404
    assert client.get(f"/api/v1/documents/{document.public_id}/content/").status_code == 404
    assert not AccessLog.objects.filter(action="document_download").exists()


def test_the_detail_carries_the_text_and_the_list_does_not(desk, caseworker):
    document = DocumentFactory(case=CaseFactory(organization=desk.home))
    client = client_for(caseworker)
    assert client.get(f"/api/v1/documents/{document.public_id}/").json()["text"] == DECISION
    assert "text" not in client.get("/api/v1/documents/").json()["results"][0]


def test_a_citation_of_a_document_through_the_api(desk, caseworker):
    case = CaseFactory(organization=desk.home)
    document = DocumentFactory(case=case)
    fact = FactFactory(case=case)
    client = client_for(caseworker)
    response = client.post(
        "/api/v1/citations/",
        {
            "document": str(document.public_id),
            "quote": "refused temporary asylum",
            "fact": str(fact.public_id),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["document"], body["article"], body["start"], body["end"]) == (
        str(document.public_id),
        None,
        29,
        53,
    )
    assert body["document_sha256"] == document.sha256
    refused = client.post(
        "/api/v1/citations/",
        {"document": str(document.public_id), "quote": "granted status", "fact": str(fact.public_id)},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["quote"]
    from django.contrib.auth.models import Permission

    caseworker.user_permissions.add(Permission.objects.get(codename="delete_document"))
    client = client_for(type(caseworker).objects.get(pk=caseworker.pk))  # permissions cached on the user
    deleted = client.delete(
        f"/api/v1/documents/{document.public_id}/", HTTP_IF_MATCH=f'"{document.public_id}-{document.version}"'
    )
    assert deleted.status_code == 409
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_legal_partner_without_membership_cannot_upload_to_a_case_not_theirs(desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    outsider = MembershipFactory().user
    outsider.groups.set(desk.user.groups.all())
    response = client_for(outsider).post(
        "/api/v1/documents/",
        {
            "case": desk.hidden.reference,
            "file": SimpleUploadedFile("a.pdf", pdf_with_text(DECISION), content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["case"]
    assert not Document.objects.exists()
