"""The language of an article body, as a BCP 47 code (en, ru, ko, ja…).

Scripts that belong to one language decide first (Hangul is Korean, kana is Japanese): they
are certain and cost nothing, and a statistical model can take a kanji-heavy Japanese text for
Chinese. Everything else goes to py3langid (a maintained fork of langid.py, its model shipped in
the package, nothing fetched at run time).
"""

from __future__ import annotations

import re
from functools import lru_cache

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LETTER = re.compile(r"[^\W\d_]")
# Enough text for a stable guess; longer bodies only cost time.
SAMPLE_CHARACTERS = 5000
MIN_LETTERS = 3


@lru_cache(maxsize=1)
def _classify():
    # Imported on first use: loading the model takes a moment that most requests do not need.
    import py3langid

    return py3langid.classify


def detect_language(text: str, *, default: str = "und") -> str:
    """The language code of ``text``; ``default`` ("und", undetermined) when there is too little."""
    sample = text[:SAMPLE_CHARACTERS]
    letters = _LETTER.findall(sample)
    if len(letters) < MIN_LETTERS:
        return default
    if len(_HANGUL.findall(sample)) >= 0.3 * len(letters):
        return "ko"
    if _KANA.search(sample) and len(_KANA.findall(sample)) >= 0.1 * len(letters):
        return "ja"
    language, _score = _classify()(sample)
    return language
