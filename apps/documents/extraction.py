"""Reading a document's text: the PDF's text layer (pypdf), else OCR with tesseract.

Run by the ``document_extract`` job (apps/documents/jobs.py), never in a request: OCR of a
many-page scan takes seconds to minutes. tesseract is Debian's ``tesseract-ocr`` with the
``rus`` and ``kor`` language packs (system-packages.txt); PDF pages without a text layer are
rendered to images with ``pdftoppm`` (poppler-utils) for it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from apps.sources.normal_form import normalize_body

# A text layer shorter than this (after normalising) is taken for none: a scanned PDF often
# carries a few stray characters (a page number, a stamp) but not the text.
MIN_TEXT_LAYER_CHARS = 20
OCR_TIMEOUT_SECONDS = 600


class ExtractionError(Exception):
    """The text could not be read; the message is for a caseworker."""


@dataclass(frozen=True)
class Extracted:
    text: str
    method: str  # Document.TextMethod
    languages: str = ""


def pdf_text_layer(data: bytes) -> str:
    """The text layer of a PDF, pages joined by a blank line, in the normal form of article bodies."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise ExtractionError(f"The PDF cannot be read: {error}") from error
    return normalize_body("\n\n".join(pages))


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _tesseract(image: Path, languages: str) -> str:
    try:
        done = subprocess.run(
            ["tesseract", str(image), "stdout", "-l", languages],
            capture_output=True,
            timeout=OCR_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise ExtractionError("OCR is not installed on the server (tesseract).") from None
    except subprocess.TimeoutExpired:
        raise ExtractionError("OCR took too long and was stopped.") from None
    if done.returncode != 0:
        raise ExtractionError("OCR failed: " + done.stderr.decode("utf-8", "replace").strip()[-300:])
    return done.stdout.decode("utf-8", "replace")


def ocr(data: bytes, *, content_type: str, languages: str | None = None) -> str:
    """The text tesseract reads in an image, or in each page of a PDF rendered at 300 dpi."""
    languages = languages or settings.DOCUMENTS_OCR_LANGUAGES
    with tempfile.TemporaryDirectory(prefix="ct-ocr-") as folder:
        source = Path(folder) / "source"
        source.write_bytes(data)
        if content_type != "application/pdf":
            return normalize_body(_tesseract(source, languages))
        if shutil.which("pdftoppm") is None:
            raise ExtractionError("Scanned PDFs need pdftoppm (poppler-utils) on the server.")
        subprocess.run(
            ["pdftoppm", "-r", "300", "-png", str(source), str(Path(folder) / "page")],
            capture_output=True,
            timeout=OCR_TIMEOUT_SECONDS,
            check=True,
        )
        pages = sorted(Path(folder).glob("page*.png"))
        return normalize_body("\n\n".join(_tesseract(page, languages) for page in pages))


def extract(data: bytes, *, content_type: str) -> Extracted:
    """The document's text and how it was read: a PDF's text layer if it has one, else OCR."""
    if content_type == "application/pdf":
        text = pdf_text_layer(data)
        if len(text.strip()) >= MIN_TEXT_LAYER_CHARS:
            return Extracted(text=text, method="text_layer")
    languages = settings.DOCUMENTS_OCR_LANGUAGES
    return Extracted(
        text=ocr(data, content_type=content_type, languages=languages), method="ocr", languages=languages
    )
