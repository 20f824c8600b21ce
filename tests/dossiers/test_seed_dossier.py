"""Kim's dossier from the project's seed fixture: everything the sources say is in every format."""

import html
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.cases.models import Case, Fact
from apps.dossiers.renderers.bundle import render_bundle
from apps.dossiers.renderers.docx import render_docx
from apps.dossiers.renderers.html import render_html
from apps.dossiers.renderers.jsonfile import render_json
from apps.dossiers.renderers.pdf import render_pdf
from apps.dossiers.selectors import dossier_content
from apps.people.services import protected_identity_set
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from tests.dossiers.conftest import SECRET, docx_footnote_count, docx_parts, pdf_text

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed.json"


@pytest.fixture
def seeded_kim(db):
    call_command("loaddata", str(SEED), verbosity=0)
    case = Case.objects.get(reference="CT-2013-0001")
    protected_identity_set(individual=case.subjects.get(pseudonym="Kim"), **SECRET)
    return case


def squash(text: str) -> str:
    """Without whitespace, so that line and page breaks of the PDF do not matter."""
    return "".join(text.split())


def _strings(node):
    """Every string in parsed JSON."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _text(format: str, content: dict, tmp_path) -> str:
    if format == "pdf":
        return pdf_text(render_pdf(content), tmp_path)
    if format == "docx":
        return " ".join(docx_parts(render_docx(content)).values())
    if format == "html":
        return render_html(content)
    return render_json(content).decode("utf-8")


@pytest.mark.parametrize("format", ["pdf", "docx", "html", "json"])
def test_kims_dossier_holds_every_proceeding_fact_quote_and_source(seeded_kim, format, tmp_path):
    content = dossier_content(case=seeded_kim, level="legal")
    text = _text(format, content, tmp_path)
    if format == "json":
        text = " ".join(_strings(json.loads(text)))
    elif format == "html":
        text = html.unescape(text)
    text = squash(text)
    proceedings = Proceeding.objects.filter(case=seeded_kim).select_related("authority")
    assert proceedings.count() == 5
    for proceeding in proceedings:
        assert squash(proceeding.get_kind_display()) in text
        assert squash(str(proceeding.authority)) in text
    facts = Fact.objects.filter(case=seeded_kim, internal=False)
    assert facts.count() >= 16
    for fact in facts:
        assert squash(fact.statement) in text, fact.statement
        for citation in fact.citations.all():
            assert squash(citation.quote) in text, citation.quote
    articles = Article.objects.filter(citations__fact__case=seeded_kim).distinct()
    assert articles.count() == 5
    for article in articles:
        assert squash(article.title) in text and article.sha256 in text


def test_kims_disputed_facts_are_marked_with_both_sides(seeded_kim, tmp_path):
    content = dossier_content(case=seeded_kim, level="public")
    disputed = {f["id"]: f for f in content["timeline"] if f["disputed"]}
    assert len(disputed) == Fact.objects.filter(case=seeded_kim, disputed=True).count() >= 2
    for fact in disputed.values():
        assert fact["contradicted_by"] and set(fact["contradicted_by"]) <= set(disputed)
    text = squash(pdf_text(render_pdf(content), tmp_path))
    for label, fact in disputed.items():
        others = ", ".join(fact["contradicted_by"])
        assert squash(f"{label} {fact['date']['text']} disputed") in text
        assert squash(f"Sources disagree: contradicted by {others}") in text


def test_kims_docx_has_a_word_footnote_per_quote(seeded_kim):
    content = dossier_content(case=seeded_kim, level="legal")
    quotes = Citation.objects.filter(fact__case=seeded_kim).count()
    quotes += Citation.objects.filter(proceeding__case=seeded_kim).count()
    quotes += sum(len(p["citations"]) for a in content["agreements"] for p in a["provisions"])
    # The quotes behind the dates sources give (an agreement's milestones, a proceeding's dates).
    quotes += sum(len(r["citations"]) for a in content["agreements"] for m in a["milestones"] for r in m["readings"])
    quotes += sum(
        len(r["citations"]) for p in content["proceedings"] for d in p["date_readings"].values() for r in d["readings"]
    )
    assert docx_footnote_count(render_docx(content)) == quotes


@pytest.mark.parametrize("level", ["full", "legal", "public"])
def test_kims_protected_identity_appears_only_at_full_in_every_format(seeded_kim, level, tmp_path):
    content = dossier_content(case=seeded_kim, level=level)
    with zipfile.ZipFile(io.BytesIO(render_bundle(content))) as archive:
        bundle = " ".join(
            pdf_text(archive.read(n), tmp_path) if n.endswith(".pdf") else archive.read(n).decode()
            for n in archive.namelist()
            if n != "manifest.sig"  # the signature's 64 bytes are no text
        )
    for format in ("pdf", "docx", "html", "json"):
        text = squash(_text(format, content, tmp_path))
        for value in (SECRET["legal_name"], SECRET["phone"], SECRET["email"], SECRET["address"]):
            assert (squash(value) in text) is (level == "full"), (format, value)
    for value in (SECRET["legal_name"], SECRET["phone"], SECRET["email"], SECRET["address"]):
        assert (squash(value) in squash(bundle)) is (level == "full"), ("zip", value)


def test_kims_bundle_is_reproducible_and_holds_the_five_sources(seeded_kim):
    first = render_bundle(dossier_content(case=seeded_kim, level="public"))
    assert render_bundle(dossier_content(case=seeded_kim, level="public")) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        sources = [n for n in archive.namelist() if n.startswith("sources/")]
    assert len(sources) == len(manifest["sources"]) == 5
    assert {s["sha256"] for s in manifest["sources"]} == set(
        Article.objects.filter(citations__fact__case=seeded_kim).values_list("sha256", flat=True)
    )


def test_the_seed_agreements_signing_date_is_disputed_between_upi_and_the_moscow_times(seeded_kim):
    content = dossier_content(case=seeded_kim, level="legal")
    agreement = next(a for a in content["agreements"] if a["short_title"] == "Russia–DPRK readmission agreement")
    signed = next(m for m in agreement["milestones"] if m["label"] == "signed")
    assert signed["disputed"] is True
    assert [r["date"]["text"] for r in signed["readings"]] == ["1–3 Feb 2016", "2 Feb 2016"]
    sources = {s["id"]: s["outlet"] for s in content["sources"]}
    outlets = [[sources[c["source"]] for c in r["citations"]] for r in signed["readings"]]
    assert outlets == [["The Moscow Times", "The Moscow Times"], ["United Press International"]]
    # The seed files are plain text: each source's original is that file's bytes as given.
    assert all(s["original"]["received_as"] == "file" and s["original"]["format"] == "text" for s in content["sources"])
