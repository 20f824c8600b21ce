"""Documents: stored encrypted and hashed, typed by their bytes, text extracted, quoted, scoped."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from apps.access.models import AccessLog
from apps.core import scoping
from apps.documents import storage
from apps.documents.extraction import tesseract_available
from apps.documents.models import Document
from apps.documents.services import (
    TamperedDocument,
    document_content,
    document_delete,
    document_extract,
    document_open,
    document_update,
    document_upload,
)
from apps.jobs.models import Job
from apps.jobs.services import job_attempt
from apps.sources.models import Citation
from apps.sources.services import citation_add, citation_update
from tests.documents.files import image_of_text, pdf_with_text, scanned_pdf
from tests.factories import (
    CaseFactory,
    DocumentFactory,
    FactFactory,
    ProceedingFactory,
    ProvisionFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(), reason="tesseract is not installed (system-packages.txt: tesseract-ocr)"
)
DECISION = "The Moscow office of the FMS refused temporary asylum."


def test_it_stores_the_file_encrypted_and_gives_back_the_original_bytes():
    data = pdf_with_text(DECISION)
    document = document_upload(
        case=CaseFactory(), file=data, title="FMS decision", original_name="decision.pdf"
    )
    on_disk = storage.stored_path(document.storage_name).read_bytes()
    assert on_disk != data
    assert data not in on_disk
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.content_type == "application/pdf"
    assert document_content(document=document) == data


def test_the_stored_name_says_nothing_of_the_uploaded_name():
    document = document_upload(
        case=CaseFactory(), file=pdf_with_text(DECISION), original_name="Kim refusal.pdf"
    )
    assert len(document.storage_name) == 64
    assert "Kim" not in str(storage.stored_path(document.storage_name))
    assert document.original_name == "Kim refusal.pdf"


def test_a_file_changed_on_disk_is_detected_on_read():
    document = DocumentFactory()
    path = storage.stored_path(document.storage_name)
    token = bytearray(path.read_bytes())
    token[40] ^= 1
    path.write_bytes(bytes(token))
    with pytest.raises(TamperedDocument):
        document_content(document=document)


def test_a_file_replaced_by_other_bytes_with_the_same_key_is_detected_by_its_hash():
    document = DocumentFactory()
    storage.stored_write(document.storage_name, pdf_with_text("Something else entirely, said elsewhere."))
    with pytest.raises(TamperedDocument, match="SHA-256"):
        document_content(document=document)


def test_a_file_written_with_another_key_cannot_be_read():
    document = DocumentFactory()
    with override_settings(DOCUMENTS_KEY=["another-deployment"]), pytest.raises(TamperedDocument):
        document_content(document=document)


def test_an_old_key_still_reads_after_a_new_one_is_put_first():
    document = DocumentFactory()
    from django.conf import settings

    with override_settings(DOCUMENTS_KEY=["the-new-key", *settings.DOCUMENTS_KEY]):
        assert document_content(document=document).startswith(b"%PDF-")


@pytest.mark.parametrize(
    "data",
    [b"<html>not a pdf</html>", b"PK\x03\x04 a zip named decision.pdf", b"GIF89a an image of another type"],
)
def test_it_refuses_a_file_of_another_type_by_its_content_on_the_file_field(data):
    with pytest.raises(ValidationError) as error:
        document_upload(case=CaseFactory(), file=data, original_name="decision.pdf")
    assert error.value.message_dict == {
        "file": ["This file is not a PDF, PNG, JPEG or TIFF (judged by its content, not its name)."]
    }
    assert not Document.objects.exists()


def test_it_refuses_a_file_over_the_limit_and_an_empty_one():
    with override_settings(DOCUMENTS_MAX_BYTES=1000), pytest.raises(ValidationError) as error:
        document_upload(case=CaseFactory(), file=b"%PDF-" + b"0" * 1000)
    assert error.value.message_dict == {
        "file": ["The file is 1005\xa0bytes; the largest accepted is 1000\xa0bytes."]
    }
    with pytest.raises(ValidationError) as error:
        document_upload(case=CaseFactory(), file=b"")
    assert error.value.message_dict == {"file": ["The file is empty."]}
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("format", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")]
)
def test_it_accepts_the_image_types(format, content_type):
    document = document_upload(
        case=CaseFactory(), file=image_of_text("Scan", format=format), extract_now=False
    )
    assert document.content_type == content_type


def test_a_proceeding_of_another_case_is_refused():
    with pytest.raises(ValidationError) as error:
        document_upload(case=CaseFactory(), proceeding=ProceedingFactory(), file=pdf_with_text(DECISION))
    assert error.value.message_dict == {"proceeding": ["This proceeding belongs to another case."]}
    assert not Document.objects.exists()


def test_the_upload_queues_the_extraction_job_and_the_job_reads_the_text_layer():
    document = document_upload(case=CaseFactory(), file=pdf_with_text(DECISION), title="FMS decision")
    assert document.text_state == "pending"
    job = Job.objects.get(kind="document_extract")
    assert job.params == {"document": document.pk}
    job_attempt(job_id=job.pk)
    document.refresh_from_db()
    job.refresh_from_db()
    assert (job.state, document.text_state, document.text_method) == ("succeeded", "extracted", "text_layer")
    assert document.text == DECISION


@needs_tesseract
def test_an_image_of_text_is_read_by_ocr():
    document = DocumentFactory(data=image_of_text("The FMS refused temporary asylum."))
    assert (document.text_state, document.text_method, document.text_languages) == (
        "extracted",
        "ocr",
        "eng+rus+kor",
    )
    assert document.text == "The FMS refused temporary asylum."


@needs_tesseract
def test_a_pdf_without_a_text_layer_is_read_by_ocr():
    document = DocumentFactory(data=scanned_pdf("Asylum refused in Moscow."))
    assert (document.text_state, document.text_method) == ("extracted", "ocr")
    assert "Asylum refused in Moscow." in document.text


def test_a_pdf_that_cannot_be_read_fails_with_its_reason_and_no_text():
    document = DocumentFactory(data=b"%PDF-1.7 and then nothing a reader could parse")
    assert document.text_state == "failed"
    assert document.text == ""
    assert document.text_error.startswith(("The PDF cannot be read", "OCR"))


def test_a_citation_quotes_a_document_exactly_as_it_quotes_an_article():
    document = DocumentFactory(text=DECISION)
    citation = citation_add(
        document=document, quote="refused  temporary asylum", fact=FactFactory(case=document.case)
    )
    assert (citation.quote, citation.start, citation.end) == ("refused temporary asylum", 29, 53)
    assert citation.article is None and citation.source == document
    assert document.text[citation.start : citation.end] == citation.quote


def test_a_quote_not_in_the_document_is_refused_on_quote():
    document = DocumentFactory(text=DECISION)
    with pytest.raises(ValidationError) as error:
        citation_add(document=document, quote="granted refugee status", fact=FactFactory(case=document.case))
    assert error.value.message_dict["quote"][0].startswith("This text does not appear in the document.")
    assert not document.citations.exists()


def test_a_document_whose_text_is_pending_cannot_be_quoted_yet():
    document = DocumentFactory(extract=False)
    with pytest.raises(ValidationError) as error:
        citation_add(document=document, quote="refused", fact=FactFactory(case=document.case))
    assert list(error.value.message_dict) == ["document"]


def test_a_citation_quotes_exactly_one_source():
    document = DocumentFactory(text=DECISION)
    from tests.factories import ArticleFactory

    with pytest.raises(ValidationError):
        citation_add(
            document=document, article=ArticleFactory(body=DECISION), quote="refused", fact=FactFactory()
        )


def test_a_document_citation_quote_is_found_again_in_the_document_on_update():
    document = DocumentFactory(text=DECISION)
    citation = citation_add(document=document, quote="refused", fact=FactFactory(case=document.case))
    citation, changed = citation_update(citation=citation, quote="temporary asylum")
    assert changed and (citation.start, citation.quote) == (37, "temporary asylum")


def test_a_quoted_document_cannot_be_deleted_nor_its_text_extracted_again():
    document = DocumentFactory(text=DECISION)
    citation_add(document=document, quote="refused", fact=FactFactory(case=document.case))
    with pytest.raises(ValidationError) as error:
        document_delete(document=document)
    assert error.value.code == "protected"
    with pytest.raises(ValidationError) as error:
        document_extract(document=document)
    assert error.value.message_dict == {
        "text": ["This document is quoted by citations; its text can no longer change."]
    }
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_an_unquoted_document_removes_its_file(django_capture_on_commit_callbacks):
    document = DocumentFactory()
    path = storage.stored_path(document.storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document)
    assert not path.exists()


def test_only_the_description_may_change():
    document = DocumentFactory()
    document, changed = document_update(document=document, title="Refusal of 27 Jan 2016")
    assert changed and document.title == "Refusal of 27 Jan 2016"
    with pytest.raises(ValidationError) as error:
        document_update(document=document, sha256="0" * 64)
    assert list(error.value.message_dict) == ["sha256"]


def test_another_organization_neither_sees_nor_downloads_a_document():
    document = DocumentFactory()
    mine, theirs = member_of(document.case.organization), member_of(CaseFactory().organization)
    assert list(scoping.visible(Document, mine)) == [document]
    assert list(scoping.visible(Document, theirs)) == []
    with pytest.raises(PermissionDenied):
        document_open(document=document, user=theirs)
    assert not AccessLog.objects.filter(action="document_download").exists()


def test_a_download_is_written_to_the_access_log():
    document = DocumentFactory()
    user = member_of(document.case.organization)
    assert document_open(document=document, user=user, channel="admin") == document_content(document=document)
    entry = AccessLog.objects.get(action="document_download")
    assert (entry.user, entry.object_id, entry.organization) == (
        user,
        str(document.pk),
        document.case.organization,
    )


def test_a_quote_of_a_document_is_not_reference_material_even_for_a_provision():
    document = DocumentFactory(text=DECISION)
    citation = citation_add(document=document, quote="refused", provision=ProvisionFactory())
    outsider = member_of(CaseFactory().organization)
    assert list(scoping.visible(Citation, member_of(document.case.organization))) == [citation]
    assert list(scoping.visible(Citation, outsider)) == []
