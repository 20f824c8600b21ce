"""The dossier names each source's original (hash, capture time); the bundle carries its bytes."""

import hashlib
import io
import json
import zipfile

import pytest

from apps.dossiers.renderers.bundle import render_bundle
from apps.dossiers.selectors import bundle_originals, dossier_content
from apps.people.models import Organization
from apps.people.services import organization_create
from apps.sources.ingestion.importer import article_import
from tests.sources.test_originals import PAGE_1251


@pytest.fixture
def outlet(db):
    return organization_create(name="RBC", kind=Organization.Kind.NEWS_OUTLET, country="RU")


def test_the_bibliography_names_the_originals_hash_and_the_bundle_carries_it(kim, outlet):
    from apps.sources.services import citation_add

    article = article_import(content=PAGE_1251, filename="rbc.html", outlet=outlet).article
    citation_add(article=article, quote="впервые покинул", fact=kim.facts["fled"])
    content = dossier_content(case=kim.case, level="public")
    by_id = {source["public_id"]: source for source in content["sources"]}
    entry = by_id[str(article.public_id)]["original"]
    assert entry["sha256"] == hashlib.sha256(PAGE_1251).hexdigest() and entry["encoding"] == "cp1251"
    assert entry["captured_at"] == article.original.captured_at.isoformat()
    # Articles typed in (the rest of this case's) have none, and say so.
    assert [s["original"] for s in content["sources"] if s["public_id"] != str(article.public_id)] == [None] * 3
    with zipfile.ZipFile(io.BytesIO(render_bundle(content, bundle_originals(content)))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        listed = [s for s in manifest["sources"] if s["original"]]
        path = listed[0]["original"]["path"]
        assert len(listed) == 1 and path.startswith("originals/") and path.endswith(".html")
        assert archive.read(path) == PAGE_1251
        assert listed[0]["original"]["sha256"] == entry["sha256"]
