"""A dossier that quotes a case's document: the bibliography names it with its hash and upload
time, the notes quote it, and the evidence bundle carries its original (not at ``public``)."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from apps.documents import storage
from apps.documents.services import TamperedDocument
from apps.dossiers.renderers.bundle import render_bundle
from apps.dossiers.renderers.html import render_html
from apps.dossiers.selectors import bundle_originals, dossier_content
from apps.sources.services import citation_add
from tests.documents.files import pdf_with_text
from tests.factories import DocumentFactory

DECISION = "The FMS refused asylum: Russia is a transit country for him."


@pytest.fixture
def quoted(kim):
    document = DocumentFactory(case=kim.case, title="FMS refusal of temporary asylum", text=DECISION)
    citation_add(document=document, quote="Russia is a transit country for him", fact=kim.facts["fled"])
    return document


def test_the_bibliography_lists_the_cited_document_with_its_hash_and_upload_time(kim, quoted):
    content = dossier_content(case=kim.case, level="legal")
    assert content["documents"] == [
        {
            "id": "D1",
            "public_id": str(quoted.public_id),
            "title": "FMS refusal of temporary asylum",
            "kind": "decision",
            "kind_display": "Decision",
            "content_type": "application/pdf",
            "bytes": quoted.size,
            "sha256": quoted.sha256,
            "uploaded_at": quoted.created_at.isoformat(),
            "text_method": "text_layer",
            "carried": True,
            "cited_in": content["documents"][0]["cited_in"],
        }
    ]
    notes = [c for fact in content["timeline"] for c in fact["citations"] if c["source"] == "D1"]
    assert [n["quote"] for n in notes] == ["Russia is a transit country for him"]
    assert content["documents"][0]["cited_in"] == [notes[0]["note"]]
    html = render_html(content)
    assert quoted.sha256 in html and "[D1]" in html


def test_the_bundle_carries_the_original_and_verifies(kim, quoted, tmp_path):
    content = dossier_content(case=kim.case, level="legal")
    data = render_bundle(content, bundle_originals(content))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        [entry] = manifest["documents"]
        assert entry["path"] == "documents/D1-fms-refusal-of-temporary-asylum.pdf"
        assert entry["sha256"] == quoted.sha256
        assert archive.read(entry["path"]) == pdf_with_text(DECISION)
        assert entry["path"] in [f["path"] for f in manifest["files"]]
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("bundle_verify", str(path), stdout=out)
    assert "verifies" in out.getvalue()


def test_a_public_bundle_names_the_document_but_does_not_carry_it(kim, quoted):
    content = dossier_content(case=kim.case, level="public")
    assert [(d["id"], d["carried"], d["sha256"]) for d in content["documents"]] == [
        ("D1", False, quoted.sha256)
    ]
    with zipfile.ZipFile(io.BytesIO(render_bundle(content, bundle_originals(content)))) as archive:
        assert not [name for name in archive.namelist() if name.startswith("documents/")]
        assert json.loads(archive.read("manifest.json"))["documents"][0]["path"] is None


def test_no_bundle_is_made_with_a_damaged_document(kim, quoted):
    storage.stored_write(quoted.storage_name, b"%PDF- something else")
    content = dossier_content(case=kim.case, level="legal")
    with pytest.raises(TamperedDocument):
        bundle_originals(content)
