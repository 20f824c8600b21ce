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

Finding a quote. A caseworker pastes a quote from wherever they read the article: a browser
sends line ends as ``\\r\\n``, some programs paste Hangul decomposed (NFD), a word processor
turns straight quotes into curly ones. ``quote_locate`` (in the services) looks for the quote
as typed and, failing that, compares the quote in the body's normal form with the body under a
tolerant comparison, in which

- typographic quotes equal straight ones (‘ ’ ‚ ‛ as ``'``, “ ” „ ‟ as ``"``) and typographic
  dashes and the minus sign equal the hyphen (‐ ‑ ‒ – — ― − as ``-``);
- any run of whitespace (spaces, no-break spaces, tabs, line ends) equals any other run;
- soft hyphens and zero-width characters (space, non-joiner, joiner, word joiner, byte-order
  mark) are ignored;
- whitespace around the quote does not count. Letter case, letters and punctuation otherwise
  count: one changed word is another quote.

The comparison is made on a *folded* copy of the body that remembers where each of its
characters came from (``FoldedText``), so that what is stored is always the body's exact slice
between the offsets found, never the quote as typed. Folding and searching are linear in the
length of the body. When the words are not found, ``find_near`` offers the closest passage if
it is nearly the same (difflib's ratio of at least ``NEAR_MATCH_RATIO``), with bounded work.
"""

import difflib
import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections import Counter

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


# -- the tolerant comparison used to find quotes --------------------------------------------

# Characters that do not count when a quote is compared with a body: the soft hyphen (a
# hyphenation hint, invisible unless a line breaks there) and the zero-width space, non-joiner,
# joiner, word joiner and byte-order mark (invisible; word processors and web pages add them).
IGNORED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

# Characters compared as their plain keyboard equivalent: typographic quotes as straight ones,
# typographic dashes and the minus sign as a hyphen. Guillemets and primes are not folded: they
# are not what a keyboard types instead of them.
EQUIVALENT = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),  # ‘ ’ ‚ ‛
    **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),  # “ ” „ ‟
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),  # ‐ ‑ ‒ – — ― −
}

# One pass finds everything the comparison changes: a run of whitespace and ignored characters
# (``\\s`` is every Unicode space, no-break spaces and line ends included), or one equivalent.
# A lone plain space is already what a gap folds to: leaving it alone keeps the runs few.
_FOLDED = re.compile(f"([\\s{IGNORED}]{{2,}}|[^\\S ]|[{IGNORED}])|[{''.join(EQUIVALENT)}]")


class FoldedText:
    """A text as the tolerant comparison sees it, with the way back to the original's offsets.

    ``text`` is the source with every run of whitespace made one space (runs made only of
    ignored characters vanish) and every equivalent replaced. Each unchanged stretch of the
    source is a *run* recorded as (offset in ``text``, offset in the source, length); a folded
    space or equivalent is a run of length one. Mapping an offset either way is a binary
    search over the runs, so folding is linear and no per-character table is kept.
    """

    def __init__(self, source: str) -> None:
        pieces: list[str] = []
        folded_at: list[int] = []
        source_at: list[int] = []
        lengths: list[int] = []
        done = length = 0

        def run(piece: str, at: int, size: int) -> None:
            nonlocal length
            pieces.append(piece)
            folded_at.append(length)
            source_at.append(at)
            lengths.append(size)
            length += len(piece)

        for found in _FOLDED.finditer(source):
            if found.start() > done:
                run(source[done : found.start()], done, found.start() - done)
            gap = found.group(1)
            if gap is None:
                run(EQUIVALENT[found.group()], found.start(), 1)
            elif gap.strip(IGNORED):
                # Only the first character of a folded gap is an offset a quote may start at.
                run(" ", found.start(), 1)
            done = found.end()
        if len(source) > done:
            run(source[done:], done, len(source) - done)
        self.source, self.text = source, "".join(pieces)
        self._folded_at, self._source_at, self._lengths = folded_at, source_at, lengths

    def source_offset(self, at: int) -> int:
        """Where the character ``text[at]`` came from in the source."""
        index = bisect_right(self._folded_at, at) - 1
        return self._source_at[index] + (at - self._folded_at[index])

    def folded_offset(self, at: int) -> int | None:
        """The offset in ``text`` of the source's character at ``at``; None when that character
        vanished or was merged into the space before it (it is inside a gap)."""
        index = bisect_right(self._source_at, at) - 1
        if index < 0 or at - self._source_at[index] >= self._lengths[index]:
            return None
        return self._folded_at[index] + (at - self._source_at[index])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source's offsets of ``text[start:end]``; ``start < end``, and neither end is a
        folded space (quotes are stripped), so both ends are one source character each."""
        return self.source_offset(start), self.source_offset(end - 1) + 1


def fold_quote(quote: str) -> str:
    """A quote as the comparison sees it: the body's normal form, folded, without the spaces
    around it (a quote pasted with a line end after it is still the same words)."""
    return FoldedText(normalize_body(quote)).text.strip(" ")


def find_folded(body: FoldedText, quote: str, start: int | None = None) -> tuple[int, int] | None:
    """Offsets in the body's source of the first passage that compares equal to ``quote``
    (already folded, not empty), or of the one that begins at source offset ``start``.

    ``str.find`` is linear in the worst case (CPython switches to the two-way algorithm when a
    search gets expensive), and so is the folding: no quadratic scan of the body.
    """
    if start is None:
        found = body.text.find(quote)
    else:
        found = body.folded_offset(start) if start >= 0 else None
        if found is not None and not body.text.startswith(quote, found):
            found = None
    if found is None or found < 0:
        return None
    return body.source_span(found, found + len(quote))


# A near match is only looked for in quotes up to this length (folded characters): comparing
# a candidate costs up to the square of it (a fifth of a second at this length, on the worst
# text there is: one letter repeated). Longer quotes get no suggestion.
NEAR_MATCH_MAX_QUOTE = 1_000
# How alike (difflib's ratio, 0 to 1) a passage must be to the quote to be offered instead:
# one word of three replaced ("refused permanent asylum" for "refused temporary asylum") is
# 0.75; a quote that shares only a word or two with the passage stays well below.
NEAR_MATCH_RATIO = 0.7
_GRAM = 4  # characters per probe: works for scripts written without spaces between words
_CANDIDATES = 2


def find_near(body: FoldedText, quote: str) -> tuple[int, int] | None:
    """Offsets in the body's source of the passage most like ``quote`` (folded), if one is
    alike enough to be offered as "did you mean" (a word or a few letters differ).

    Bounded work, linear in the body. Every ``_GRAM``-th stretch of the body that also occurs
    in the quote votes for the alignment it implies (where the quote would begin); the few
    alignments with most votes are compared with the quote by difflib, each on a window a
    little larger than the quote, and the best passage is widened to whole words.
    """
    size = len(quote)
    if not size or size > NEAR_MATCH_MAX_QUOTE:
        return None
    gram = min(_GRAM, size)
    places: dict[str, list[int]] = {}
    for at in range(size - gram + 1):
        found = places.setdefault(quote[at : at + gram], [])
        if len(found) < 4:  # a stretch repeated in the quote votes a bounded number of times
            found.append(at)
    text, votes = body.text, Counter()
    for at in range(0, len(text) - gram + 1, gram):
        for place in places.get(text[at : at + gram], ()):
            votes[at - place] += 1
    slack = size // 4 + 8
    alignments: list[int] = []
    for alignment, _count in votes.most_common(_CANDIDATES * 16):
        # Neighbouring alignments (a letter added or left out) are one candidate, not several.
        if all(abs(alignment - seen) > slack for seen in alignments):
            alignments.append(alignment)
            if len(alignments) == _CANDIDATES:
                break
    best, best_ratio = None, NEAR_MATCH_RATIO
    for alignment in alignments:
        left = max(alignment - slack, 0)
        window = text[left : alignment + size + slack]
        matcher = difflib.SequenceMatcher(None, quote, window, autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        if not blocks:
            continue
        first, last = blocks[0], blocks[-1]
        # From where the quote's first letter would be to where its last would be, in whole words.
        start = left + max(first.b - first.a, 0)
        end = left + min(last.b + last.size + (size - last.a - last.size), len(window))
        while start > 0 and text[start - 1] != " " and start > left - slack:
            start -= 1
        while end < len(text) and text[end] != " " and end < left + len(window) + slack:
            end += 1
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        # The letters in common over the letters of both: difflib's ratio for this passage.
        ratio = 2 * sum(block.size for block in blocks if start <= left + block.b < end) / (size + end - start)
        if end > start and ratio >= best_ratio:
            best, best_ratio = (start, end), ratio
    return body.source_span(*best) if best else None
