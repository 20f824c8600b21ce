"""Every format, read back the way its reader would: pdftotext, the Word XML, json, unzip."""

import datetime as dt
import hashlib
import io
import json
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from apps.dossiers.renderers.bundle import render_bundle
from apps.dossiers.renderers.docx import render_docx
from apps.dossiers.renderers.html import render_html
from apps.dossiers.renderers.jsonfile import render_json
from apps.dossiers.renderers.pdf import render_pdf
from apps.dossiers.selectors import dossier_content
from tests.dossiers.conftest import (
    CASEWORKER_NAME,
    INTERNAL_STATEMENT,
    SECRET,
    WORD,
    docx_footnote_count,
    docx_parts,
    pdf_text,
)

FORMATS = ["html", "pdf", "docx", "json", "zip"]
LEVELS = ["full", "legal", "public"]


def rendered_text(format: str, content: dict, tmp_path) -> str:
    """Everything a reader of the file could see, as one string."""
    if format == "html":
        return render_html(content)
    if format == "pdf":
        return pdf_text(render_pdf(content), tmp_path)
    if format == "docx":
        return " ".join(docx_parts(render_docx(content)).values())
    if format == "json":
        return json.dumps(json.loads(render_json(content)), ensure_ascii=False)
    with zipfile.ZipFile(io.BytesIO(render_bundle(content))) as archive:
        texts = []
        for name in archive.namelist():
            data = archive.read(name)
            if name == "manifest.sig":
                continue  # 64 bytes of signature, no text
            texts.append(pdf_text(data, tmp_path) if name.endswith(".pdf") else data.decode("utf-8"))
        return " ".join(texts)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("format", FORMATS)
def test_redaction_holds_in_every_format(kim, format, level, tmp_path):
    content = dossier_content(case=kim.case, level=level, generated_by=CASEWORKER_NAME)
    # Compared without any whitespace: a value broken across lines must still be found.
    text = "".join(rendered_text(format, content, tmp_path).split())
    protected = [SECRET["legal_name"], SECRET["phone"], SECRET["email"], "Ulitsa Tikhaya", "1979-03-17"]
    for value in protected:
        assert ("".join(value.split()) in text) is (level == "full"), f"{value!r} in {format} at {level}"
    for value in (CASEWORKER_NAME, INTERNAL_STATEMENT, "FMS-77-SECRET-FILE"):
        assert ("".join(value.split()) in text) is (level != "public"), f"{value!r} in {format} at {level}"
    # The text was really read: the case and a quote are there at every level.
    assert "CT-2013-0001" in text and "detainedontheKazakhstanborderbytheChinesemilitary" in text


def test_the_pdf_has_footnotes_page_numbers_and_every_part_of_the_case(kim, tmp_path):
    content = dossier_content(case=kim.case, level="legal")
    text = pdf_text(render_pdf(content), tmp_path)
    pages = text.count("Page ")
    assert pages >= 2 and f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    for fact in content["timeline"]:
        assert fact["statement"] in text
    # Footnotes are printed with their number at the foot of the page.
    assert "1. “first left North Korea in 1997 as a 17-year-old” — The Moscow Times" in text
    assert "spring 2013" in text and "Sources disagree: contradicted by F3 (see note 3)." in text
    for row in ("Refugee-status application", "appeals P1", "Overturned", "November 2014"):
        assert row in text
    assert "Deportation within 30 days of a repatriation request." in text
    for article in kim.articles:
        assert article.sha256 in text
    assert content["cover"]["digest"] in text


def test_the_pdf_embeds_fonts_for_hangul_and_cyrillic(kim, tmp_path):
    text = pdf_text(render_pdf(dossier_content(case=kim.case, level="legal")), tmp_path)
    assert "김 (Hangul)" in text and "Ким (Cyrillic)" in text


def test_the_pdf_is_dated_by_the_data_and_the_same_for_the_same_content(kim, tmp_path):
    content = dossier_content(case=kim.case, level="public")
    first, second = render_pdf(content), render_pdf(content)
    assert first == second
    path = tmp_path / "dossier.pdf"
    path.write_bytes(first)
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(path)], capture_output=True, check=True, text=True
    ).stdout
    as_of = dt.datetime.fromisoformat(content["cover"]["data_as_of"]).strftime("%Y-%m-%dT%H:%M:%S")
    assert f"CreationDate:    {as_of}" in info and f"ModDate:         {as_of}" in info


def test_the_docx_has_real_word_footnotes_with_the_quotes(kim):
    content = dossier_content(case=kim.case, level="legal")
    data = render_docx(content)
    assert docx_footnote_count(data) == 8
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("word/document.xml").count(b"<w:footnoteReference ") == 8
    parts = docx_parts(data)
    assert (
        "“first left North Korea in 1997 as a 17-year-old” — The Moscow Times" in parts["word/footnotes.xml"]
    )
    body = parts["word/document.xml"]
    assert "Kim crossed into Russia in the Amur region." in body and "spring 2013" in body
    assert "Sources disagree: contradicted by F2 (see note 2)." in body
    assert "Blagoveshchensk City Court" in body


def test_the_docx_is_laid_out_from_the_html_template(kim):
    # Both lines were missing from the DOCX while it had a layout of its own.
    body = docx_parts(render_docx(dossier_content(case=kim.case, level="legal")))["word/document.xml"]
    assert (
        "Federal Migration Service (FMS) (Russia), file FMS-77-SECRET-FILE, concerning Kim: refused" in body
    )
    assert "persons illegally present (Russia–DPRK readmission agreement)" in body
    assert "The digest is the SHA-256 of this dossier's content as canonical JSON" in body


def test_the_docx_keeps_stored_markup_as_text_and_loads_nothing(kim):
    fact = kim.facts["crossing"]
    fact.statement = 'Crossed <b>bold</b> <img src="file:///etc/hostname"> & *stars*'
    fact.save()
    data = render_docx(dossier_content(case=kim.case, level="public"))
    assert (
        'Crossed <b>bold</b> <img src="file:///etc/hostname"> & *stars*'
        in docx_parts(data)["word/document.xml"]
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not [name for name in archive.namelist() if name.startswith("word/media")]
        assert b"<w:drawing" not in archive.read("word/document.xml")


def test_footnote_spans_become_notes_and_images_and_raw_markup_are_dropped():
    from apps.dossiers.renderers.docx import notes_from_spans

    quote = [{"t": "Str", "c": "“quote”"}]
    tree = {
        "blocks": [
            {"t": "RawBlock", "c": ["html", "<script></script>"]},
            {
                "t": "Para",
                "c": [
                    {"t": "Str", "c": "Fact."},
                    {"t": "Span", "c": [["", ["fn"], []], quote]},
                    {"t": "Image", "c": [["", [], []], [], ["file:///etc/hostname", ""]]},
                    {"t": "RawInline", "c": ["html", "<b>"]},
                    {"t": "Span", "c": [["", ["level"], []], [{"t": "Str", "c": "Public"}]]},
                ],
            },
        ]
    }
    assert notes_from_spans(tree) == {
        "blocks": [
            {
                "t": "Para",
                "c": [
                    {"t": "Str", "c": "Fact."},
                    {"t": "Note", "c": [{"t": "Para", "c": quote}]},
                    {"t": "Span", "c": [["", ["level"], []], [{"t": "Str", "c": "Public"}]]},
                ],
            },
        ]
    }


@pytest.fixture
def two_notes(kim):
    """Kim's case with a second quote for F1, so that notes 1 and 2 are called side by side."""
    from apps.sources.services import citation_add

    citation_add(article=kim.articles[1], quote="Kim, who fled the famine", fact=kim.facts["fled"])
    content = dossier_content(case=kim.case, level="legal")
    assert [c["note"] for c in content["timeline"][0]["citations"]] == [1, 2]
    return content


def test_adjacent_footnote_calls_are_separated_in_the_html(two_notes):
    html = render_html(two_notes)
    assert '>1</a></sup><sup class="call-sep">,</sup><sup class="call"><a href="#note-2"' in html


def test_adjacent_footnote_calls_are_separated_in_the_pdf(two_notes, tmp_path):
    # Without a separator pdftotext reads the two calls as note "12".
    text = pdf_text(render_pdf(two_notes), tmp_path)
    assert "lived in China illegally.1,2 " in text
    assert "illegally.12" not in text


def test_adjacent_footnote_calls_are_separated_in_the_docx(two_notes):
    with zipfile.ZipFile(io.BytesIO(render_docx(two_notes))) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    (paragraph,) = [
        p
        for p in root.iter(f"{WORD}p")
        if "lived in China illegally." in "".join(t.text or "" for t in p.iter(f"{WORD}t"))
    ]
    runs = []
    for run in paragraph.iter(f"{WORD}r"):
        if run.find(f"{WORD}footnoteReference") is not None:
            runs.append("note")
        else:
            align = run.find(f"{WORD}rPr/{WORD}vertAlign")
            runs.append(
                (
                    "".join(t.text or "" for t in run.iter(f"{WORD}t")),
                    align is not None and align.get(f"{WORD}val"),
                )
            )
    # The two Word footnotes, with a superscript comma between them.
    assert runs[-3:] == ["note", (",", "superscript"), "note"]


def test_the_json_is_the_content_with_a_verifiable_digest(kim):
    from apps.dossiers.selectors import content_digest

    content = dossier_content(case=kim.case, level="public")
    parsed = json.loads(render_json(content))
    assert parsed == content
    assert content_digest(parsed) == parsed["cover"]["digest"]
    for source in parsed["sources"]:
        assert hashlib.sha256(source["text"].encode()).hexdigest() == source["sha256"]


def test_the_html_links_each_call_to_its_endnote_and_loads_nothing(kim):
    html = render_html(dossier_content(case=kim.case, level="legal"))
    assert '<a href="#note-4" id="call-4">4</a>' in html
    assert '<li id="note-4" value="4">“In the spring of 2013, he crossed the Russian border”' in html
    assert "default-src 'none'; style-src 'unsafe-inline'" in html
    assert 'class="fn"' not in html  # footnote spans are for the PDF only


def test_the_html_escapes_stored_text(kim):
    fact = kim.facts["crossing"]
    fact.statement = 'Crossed <script>alert(1)</script> & "left"'
    fact.save()
    html = render_html(dossier_content(case=kim.case, level="public"))
    assert "<script>alert(1)</script>" not in html
    assert "Crossed &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;left&quot;" in html


def _bundle(kim):
    return render_bundle(dossier_content(case=kim.case, level="public"))


def test_the_bundle_manifest_verifies_every_file(kim):
    with zipfile.ZipFile(io.BytesIO(_bundle(kim))) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        assert names[-2:] == ["manifest.json", "manifest.sig"]
        assert [f["path"] for f in manifest["files"]] == names[:-2]
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
        # Each source file is the stored text itself: its hash is the article's.
        for source in manifest["sources"]:
            assert hashlib.sha256(archive.read(source["path"])).hexdigest() == source["sha256"]
        assert {s["sha256"] for s in manifest["sources"]} == {a.sha256 for a in kim.articles}
        assert names[0].endswith(".pdf") and archive.read(names[0]).startswith(b"%PDF")


def test_the_bundle_is_byte_identical_for_the_same_data(kim):
    first = _bundle(kim)
    assert _bundle(kim) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {infos[0].date_time}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_the_bundle_changes_when_the_data_does(kim):
    first = _bundle(kim)
    kim.facts["fled"].statement = "Kim left North Korea aged 17."
    kim.facts["fled"].save()
    assert _bundle(kim) != first


def test_the_public_bundle_does_not_move_when_only_hidden_data_changes(kim):
    from apps.people.services import protected_identity_set

    first = _bundle(kim)
    protected_identity_set(individual=kim.subject, phone="+7 000 000 00 01")
    assert _bundle(kim) == first
