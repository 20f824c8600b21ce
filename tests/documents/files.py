"""Real files for the documents' tests: a PDF with a text layer, an image of text, a scan."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont


@cache
def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text`` (WeasyPrint, as the dossiers use)."""
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    return HTML(string=f"<html><body style='font: 12pt sans-serif'>{paragraphs}</body></html>").write_pdf()


@cache
def image_of_text(text: str, *, format: str = "PNG") -> bytes:
    """``text`` drawn black on white, large enough for tesseract to read, as PNG/JPEG/TIFF."""
    font = ImageFont.load_default(size=48)
    image = Image.new("L", (60 + 28 * len(text), 200), 255)
    ImageDraw.Draw(image).text((40, 60), text, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


@cache
def scanned_pdf(text: str) -> bytes:
    """A PDF holding only a picture of ``text``: no text layer, as a scanner makes it."""
    image = Image.open(io.BytesIO(image_of_text(text))).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150)
    return out.getvalue()
