"""The normal form of an article body, over which its SHA-256 is computed.

Two copies of the same article must hash the same even if one came with Windows line ends,
trailing spaces or a different Unicode composition; a single changed word must not. The
normal form is:

1. Unicode NFC;
2. line ends ``\\r\\n`` and ``\\r`` become ``\\n``; no-break and other Unicode spaces stay;
3. trailing whitespace is removed from every line;
4. runs of blank lines become one blank line (paragraphs are separated by one empty line);
5. leading and trailing blank lines are removed; there is no final newline.

The stored body *is* the normal form, so citation offsets and the hash refer to the same text.
"""

import hashlib
import re
import unicodedata

_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize_body(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def body_sha256(body: str) -> str:
    """SHA-256 (hex) of the UTF-8 encoding of the body's normal form."""
    return hashlib.sha256(normalize_body(body).encode("utf-8")).hexdigest()
