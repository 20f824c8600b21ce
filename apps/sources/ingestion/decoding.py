"""From received bytes to text: size limit, binary rejection and encoding detection.

Caseworkers receive files from colleagues, saved pages and copies from Russian sites, which
still come in Windows-1251. What is accepted, in this order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE) decides;
2. UTF-16 without a mark is recognised by its zero bytes (spaces, digits and Latin letters have
   a zero high byte); other bytes with a zero are binary;
3. valid UTF-8 is UTF-8;
4. for HTML, a ``<meta charset>`` (or ``http-equiv`` content type) declaration is honoured;
5. Windows-1251, when the result reads as Russian text (mostly Cyrillic letters, no control
   characters).

Anything else is refused with :class:`ImportRejected`: a guess that turns a Latin-1 French text
into Cyrillic would store a corrupt source that nobody could quote.
"""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# The size limit of one imported file or text, in bytes (settings.ARTICLE_IMPORT_MAX_BYTES
# overrides it). A news article is rarely over 100 kB of text and a saved page rarely over
# 2 MB; anything larger is almost certainly not an article.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF document"),
    (b"RIFF", "a media file"),
    (b"OggS", "a media file"),
    (b"ID3", "an MP3 file"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


class ImportRejected(ValidationError):
    """The input cannot become an article; the message says why, the code names the reason."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code)
        self.reason = code


def max_import_bytes() -> int:
    """The size limit in force, in bytes."""
    return int(getattr(settings, "ARTICLE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_size(size: int) -> None:
    """Raise ImportRejected ("too_large") when ``size`` bytes are over the limit."""
    limit = max_import_bytes()
    if size > limit:
        raise ImportRejected(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes (%(megabytes)s MB).")
            % {
                "size": number_format(size, force_grouping=True),
                "limit": number_format(limit, force_grouping=True),
                "megabytes": limit // (1024 * 1024),
            },
            code="too_large",
        )


def binary_kind(data: bytes) -> str | None:
    """What the bytes look like if they are not text (a PDF, an image…), else None."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_zeros = data[0::2].count(0)
    odd_zeros = data[1::2].count(0)
    half = len(data) // 2
    # In UTF-16, spaces, digits, punctuation and Latin letters have a zero high byte: many
    # zeros on one side and almost none on the other is the tell. (Text without a mark and
    # without any of those, e.g. pure Hangul, is not recognised: save it with a BOM or as UTF-8.)
    # Spaces alone are over a tenth of the characters of prose in any of our alphabets; a
    # binary file that passes this still has to decode and pass check_text.
    if odd_zeros >= half * 0.1 and even_zeros <= half * 0.02:
        return "utf-16-le"
    if even_zeros >= half * 0.1 and odd_zeros <= half * 0.02:
        return "utf-16-be"
    return None


def _looks_russian(text: str) -> bool:
    letters = _LETTER.findall(text)
    if not letters or _CONTROL.search(text):
        return False
    return len(_CYRILLIC.findall(text)) >= 0.3 * len(letters)


def check_text(text: str) -> None:
    """Refuse text that cannot be stored or quoted: lone surrogates, NUL, control-character noise."""
    if _SURROGATE.search(text):
        raise ImportRejected(_("The text contains invalid characters (broken UTF-16)."), code="undecodable")
    if "\x00" in text:
        raise ImportRejected(_("This looks like a binary file, not text (it contains NUL bytes)."), code="binary")
    controls = len(_CONTROL.findall(text))
    if controls and controls > max(2, len(text) * 0.01):
        raise ImportRejected(
            _("This looks like a binary file, not text (it is full of control characters)."), code="binary"
        )


def decode_bytes(data: bytes, *, is_html: bool = False) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with; ImportRejected if neither."""
    check_size(len(data))
    if not data.strip():
        raise ImportRejected(_("The file is empty."), code="empty")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode(data, encoding), encoding.removesuffix("-sig")
    kind = binary_kind(data)
    if kind:
        raise ImportRejected(_("This is %(kind)s, not an article's text or HTML.") % {"kind": kind}, code="binary")
    if b"\x00" in data:
        # NUL is valid UTF-8 but never in text: either UTF-16 without a mark, or binary.
        utf16 = _utf16_without_bom(data)
        if utf16:
            return _decode(data, utf16), "utf-16"
        raise ImportRejected(_("This looks like a binary file, not text (it contains NUL bytes)."), code="binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        check_text(text)
        return text, "utf-8"
    if is_html:
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            try:
                encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            except (LookupError, UnicodeDecodeError):
                encoding = None
            if encoding:
                return _decode(data, encoding), encoding
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_russian(text):
        return text, "windows-1251"
    raise ImportRejected(
        _("The text could not be decoded: it is not UTF-8, UTF-16 or Windows-1251. "
        "Save it as UTF-8 and try again."),
        code="undecodable",
    )


def _decode(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise ImportRejected(
            _("The text could not be decoded as %(encoding)s: %(error)s.") % {"encoding": encoding, "error": error}, code="undecodable"
        ) from error
    check_text(text)
    return text
