"""Rendering never fetches from the network or the file system outside the app's static folder."""

import socket

import pytest

from apps.dossiers.renderers.fetcher import STATIC_DIR, DossierURLFetcher, FetchRefused
from apps.dossiers.renderers.html import render_html
from apps.dossiers.renderers.pdf import html_to_pdf, render_pdf
from apps.dossiers.selectors import dossier_content
from apps.sources.models import Article
from tests.dossiers.conftest import pdf_text


@pytest.fixture
def listener():
    """A local port that records whether anyone connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server

    server.close()


def _connected(server) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
        f"{STATIC_DIR.as_uri()}/../../../../casetracker/settings.py",
        f"{STATIC_DIR.as_uri()}/no-such-file.css",
    ],
)
def test_it_refuses_the_network_data_and_files_outside_its_folder(url):
    fetcher = DossierURLFetcher()
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_it_refuses_a_symbolic_link_out_of_its_folder(tmp_path):
    allowed = tmp_path / "static"
    allowed.mkdir()
    (allowed / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(FetchRefused):
        DossierURLFetcher(allowed_dirs=(allowed,)).fetch((allowed / "passwd").as_uri())


def test_it_serves_a_file_of_its_own_folder(tmp_path):
    allowed = tmp_path / "static"
    allowed.mkdir()
    (allowed / "print.css").write_text("p { color: red }")
    response = DossierURLFetcher(allowed_dirs=(allowed,)).fetch((allowed / "print.css").as_uri())
    assert response.read() == b"p { color: red }" and response.content_type == "text/css"


def test_a_document_pointing_outside_gets_nothing(listener):
    port = listener.getsockname()[1]
    fetcher = DossierURLFetcher()
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head><body>'
        f'<p>Hello</p><img src="http://127.0.0.1:{port}/x.png"><img src="file:///etc/passwd">'
        '<object data="file:///etc/hostname"></object></body></html>'
    )
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert not _connected(listener)
    assert f"http://127.0.0.1:{port}/x.png" in fetcher.refused and "file:///etc/passwd" in fetcher.refused
    assert b"root:x:0:0" not in pdf


def test_a_hostile_article_is_printed_as_text_and_nothing_is_fetched(kim, listener, tmp_path):
    port = listener.getsockname()[1]
    hostile = f'<img src="http://127.0.0.1:{port}/x"> <img src=file:///etc/passwd>'
    article = kim.articles[0]
    # Written past the model's validation, as a careless import might.
    Article.objects.filter(pk=article.pk).update(
        title=f"Report {hostile}",
        url=f"http://127.0.0.1:{port}/article",
        body=article.body + "\n\n" + hostile,
    )
    content = dossier_content(case=kim.case, level="full")
    html = render_html(content, paged=True)
    assert "<img" not in html and "&lt;img src=&quot;http://127.0.0.1" in html
    fetcher = DossierURLFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert fetcher.refused == [] and not _connected(listener)
    assert "<img src=file:///etc/passwd>" in pdf_text(pdf, tmp_path)
    assert render_pdf(content).startswith(b"%PDF") and not _connected(listener)
