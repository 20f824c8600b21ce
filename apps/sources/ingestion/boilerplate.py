"""Site furniture that is not part of an article: one list for plain text and HTML alike.

News sites wrap every article in the same donation appeals, newsletter sign-ups, sharing and
comment widgets. They must not reach the stored body: they would be quoted by mistake, make
two copies of one article hash differently, and bury the text a caseworker reads.

Two kinds of rules, both applied to stripped lines (or to the text of HTML blocks):

* :data:`LINE_PATTERNS` — a line that is boilerplate on its own;
* :data:`BLOCK_PATTERNS` — a block that starts at one line and runs to an end line
  (inclusive), e.g. "A Message from The Moscow Times:" … "Read more".

Patterns match whole lines, so an article sentence that merely mentions a newsletter is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _line(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


LINE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    _line(pattern)
    for pattern in (
        # donation appeals
        r"support (?:the moscow times|us|independent journalism)!?",
        r"not ready to support today\??",
        r"remind me later\.?",
        r"a message from the moscow times:?",
        # newsletters
        r"sign up for our (?:free )?(?:weekly |daily )?[\w\s]*newsletter\.?",
        r"subscribers agree to the privacy policy\.?",
        r"an exclusive report putting perspective on the week's most important developments\.?",
        # breadcrumbs: "Home > National > Politics"
        r"home\s*(?:>|»|›|/)\s*.+",
        # print / dictionary tool bars
        r"(?:print\s*)?dictionary\s*(?:print)?",
        r"print(?: this article)?",
        # share and comment widgets
        r"share (?:with|on) (?:facebook|twitter|x|telegram|whatsapp|vk|email)",
        r"log in to (?:twitter|facebook).*",
        r"with the korea joongang daily",
        r"help-image.*",
        r"lock icon",
        r"to write comments, please log in.*",
        r"standards board policy.*",
        r"\d+ comments?",
        # link lists after the article
        r"related (?:upi )?stories",
        r"trending stories",
        r"most (?:read|popular)(?: stories)?",
        r"read more\.?",
        # photo credits standing alone (a caption that describes the picture stays)
        r"(?:photo|photograph|image|picture|фото)(?:\s+(?:by|credit))?\s*[:©]\s*.{1,100}",
        r"©.{1,100}",
        r"\(?(?:AP|AFP|EPA|Reuters|Yonhap|TASS|Sputnik|Getty Images)(?: Photo)?(?:\s*/\s*[^)]{1,60})?\)?",
        # contact lines and archive notes
        r"contact the author at.*",
        r"original url:?.*",
    )
)


@dataclass(frozen=True)
class BlockPattern:
    start: re.Pattern[str]
    end: re.Pattern[str]
    # A runaway block (end never found) must not swallow the article: give up after this many lines.
    max_lines: int = 40


BLOCK_PATTERNS: tuple[BlockPattern, ...] = (
    BlockPattern(_line(r"a message from the moscow times:?"), _line(r"read more\.?|remind me later\.?")),
    BlockPattern(
        _line(r"sign up for our (?:free )?(?:weekly |daily )?[\w\s]*newsletter\.?"),
        _line(r"subscribers agree to the privacy policy\.?|.*\bpreview"),
        max_lines=6,
    ),
    BlockPattern(_line(r"log in to (?:twitter|facebook).*"), _line(r"standards board policy.*")),
)


# Furniture is a button, a link, a notice: a few words. A longer line is article text and is
# not matched at all — the patterns' ".*" would otherwise scan a 3 MB one-line page once per
# pattern and per backtrack.
MAX_FURNITURE_LINE_CHARS = 500


def _short_line(line: str) -> str:
    """The line's words, or "" when it is too long to be furniture."""
    return "" if len(line) > 2 * MAX_FURNITURE_LINE_CHARS else " ".join(line.split())[: MAX_FURNITURE_LINE_CHARS + 1]


def is_boilerplate_line(line: str) -> bool:
    """True when the whole (stripped) line is site furniture."""
    text = _short_line(line)
    return bool(text) and len(text) <= MAX_FURNITURE_LINE_CHARS and any(pattern.fullmatch(text) for pattern in LINE_PATTERNS)


def block_end(lines: list[str], index: int) -> int | None:
    """If a boilerplate block starts at ``lines[index]``, the index of its last line."""
    text = _short_line(lines[index])
    if not text or len(text) > MAX_FURNITURE_LINE_CHARS:
        return None
    for block in BLOCK_PATTERNS:
        if not block.start.fullmatch(text):
            continue
        for offset in range(index, min(len(lines), index + block.max_lines)):
            candidate = _short_line(lines[offset])
            if offset > index and block.end.fullmatch(candidate):
                # "Read more" may follow "Remind me later." after a blank line: take it too.
                return _swallow_trailing(lines, offset)
        return None
    return None


def _swallow_trailing(lines: list[str], end: int) -> int:
    follower = end + 1
    while follower < len(lines) and not lines[follower].strip():
        follower += 1
    if follower < len(lines) and is_boilerplate_line(lines[follower]):
        return follower
    return end


def strip_boilerplate_lines(lines: list[str]) -> list[str]:
    """The lines without boilerplate lines and blocks; blank lines are kept as separators."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        end = block_end(lines, index)
        if end is not None:
            index = end + 1
            kept.append("")
            continue
        if not is_boilerplate_line(lines[index]):
            kept.append(lines[index])
        index += 1
    return kept
