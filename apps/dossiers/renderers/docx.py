"""The dossier as an editable Word document with real footnotes: the PDF's HTML, converted by pandoc.

DOCX has no layout of its own. It is the page the PDF is laid out from — the same template,
rendered ``paged`` — read by pandoc. In that page each citation is a ``<span class="fn">``
standing where its footnote is called: WeasyPrint floats it to the foot of the page, and here
:func:`notes_from_spans` turns it into a pandoc ``Note``, which pandoc writes as a Word
footnote. Word numbers footnotes in the order they are called, as WeasyPrint does, so "see
note 3" means the same note in both.

Why not pandoc's own footnote HTML (``<a class="footnote-ref">`` and ``<section
class="footnotes">``)? pandoc 2.17 (Debian 12's) reads that back as links and an ordered list,
not as notes (``pandoc -f html -t native`` shows it), so the conversion goes through pandoc's
document tree, three steps: HTML to JSON (pandoc), spans to notes (here), JSON to DOCX (pandoc).

Stored text is escaped by the template, so pandoc reads it as text, never as markup. The tree
handed to the DOCX writer has no ``Image`` and no raw markup — the template makes none, and
:func:`notes_from_spans` drops any anyway — and images are the only thing that writer would
fetch, so pandoc reads nothing but its own reference document. (``--sandbox`` would say so
too, but pandoc 2.17 then cannot read its own docx template.)
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess

from django.core.exceptions import ImproperlyConfigured

from apps.dossiers.renderers.html import render_html

# Nodes that could make the DOCX writer load a file or a URL, or carry markup through as is.
_DROPPED = frozenset({"Image", "RawInline", "RawBlock"})
# The class the template gives a citation's footnote text (dossiers/_citations.html).
FOOTNOTE_CLASS = "fn"


class PandocMissing(ImproperlyConfigured):
    """DOCX dossiers need the pandoc binary, which is not installed.

    An ImproperlyConfigured, like the PDF renderer's missing Pango: the admin and the API tell
    "this server cannot make this format" apart from a failure by that one type.
    """


@functools.cache
def _pandoc() -> str:
    """The pandoc binary (looked up once)."""
    binary = shutil.which("pandoc")
    if not binary:
        raise PandocMissing("pandoc is not installed (Debian package: pandoc).")
    return binary


def _run(args: list[str], data: bytes) -> bytes:
    result = subprocess.run([_pandoc(), *args], input=data, capture_output=True, check=False, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"pandoc failed: {result.stderr.decode('utf-8', 'replace')[:500]}")
    return result.stdout


def notes_from_spans(node):
    """A copy of pandoc JSON ``node`` with each footnote span made a ``Note``, and no images or raw markup.

    A span of class :data:`FOOTNOTE_CLASS` becomes a note holding one paragraph of the span's
    text, at the very place of the span, so the note's call stands where the PDF's does.
    """
    if isinstance(node, list):
        return [
            notes_from_spans(item)
            for item in node
            if not (isinstance(item, dict) and item.get("t") in _DROPPED)
        ]
    if isinstance(node, dict):
        if node.get("t") == "Span" and FOOTNOTE_CLASS in node["c"][0][1]:
            return {"t": "Note", "c": [{"t": "Para", "c": notes_from_spans(node["c"][1])}]}
        return {key: notes_from_spans(value) for key, value in node.items()}
    return node


def dossier_ast(content: dict) -> dict:
    """The dossier as pandoc's document tree (JSON): the paged HTML read by pandoc, with real notes."""
    html = render_html(content, paged=True)
    document = notes_from_spans(json.loads(_run(["-f", "html", "-t", "json"], html.encode("utf-8"))))
    # The title and author come from the page's <title> and <meta name="author">; Word's
    # date field gets the day the copy was made, as the cover says.
    document["meta"]["date"] = {
        "t": "MetaInlines",
        "c": [{"t": "Str", "c": content["cover"]["generated_at"][:10]}],
    }
    return document


def render_docx(content: dict) -> bytes:
    """The dossier as DOCX, written by pandoc from :func:`dossier_ast`; RuntimeError if pandoc fails."""
    document = dossier_ast(content)
    return _run(["-f", "json", "-t", "docx", "-o", "-"], json.dumps(document).encode("utf-8"))
