"""Full-text search over articles: which text-search configuration reads which language.

On PostgreSQL every article has a stored ``search_vector`` (GIN-indexed, made by migration
``sources.0005_article_search_vector``, kept by a trigger since ``sources.0013``; Django's model
does not declare it, so no query ever loads it by accident). It is computed in the database by
the SQL function ``sources_article_search_vector(language, title, body)``:

- the article's language (its primary BCP 47 subtag, ``en-GB`` → ``en``) picks the
  configuration from :data:`SEARCH_CONFIGS`; a language not listed gets ``simple`` (lower-cased
  words, no stemming), which is what Korean and Japanese get on purpose: PostgreSQL has no
  stemmer for them;
- runs of CJK characters (Han, kana, Hangul) are indexed as overlapping pairs of characters
  (``協定を締結`` → ``協定 定を を締 締結``), in every language: Japanese and Chinese write no
  spaces, so PostgreSQL's parser would read a whole sentence as one word, and Korean attaches
  particles (``협정은``), so an exact word would not be found otherwise. A query's CJK runs are
  paired the same way (:func:`cjk_pairs`) and searched as a phrase, so ``協定`` or ``김은철``
  finds exactly that sequence of characters. A single CJK character matches only where it
  stands alone;
- the title weighs more (``A``) than the body (``B``) in the rank.

A query is read by every configuration in use (``websearch_to_tsquery`` per configuration,
joined by OR), since a query does not say its language: "refusing" finds English "refused",
"реадмиссии" Russian "реадмиссия". The database function holds its own copy of the mapping
(a migration is frozen history); ``tests/api/test_article_search.py`` checks both agree, so a
change here needs a migration that replaces the function and recomputes the column (with
the trigger of 0013 disabled for that ``UPDATE``: it keeps a vector whose text did not change).
"""

from __future__ import annotations

import re

# Primary language subtag → PostgreSQL text-search configuration (the snowball stemmers PG
# ships). Anything else, Korean and Japanese included, is read with "simple".
SEARCH_CONFIGS: dict[str, str] = {
    "en": "english",
    "ru": "russian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "tr": "turkish",
    "ar": "arabic",
}
FALLBACK_CONFIG = "simple"

# Hiragana, katakana, CJK unified ideographs (with extension A and compatibility), Hangul
# syllables and jamo. The same ranges are in the SQL function of migration 0005.
CJK_CLASS = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def search_config(language: str) -> str:
    """The text-search configuration that reads an article written in ``language``."""
    return SEARCH_CONFIGS.get((language or "").split("-")[0].lower(), FALLBACK_CONFIG)


def query_configs() -> list[str]:
    """Every configuration a query is read with (each one that reads some language)."""
    return sorted({*SEARCH_CONFIGS.values(), FALLBACK_CONFIG})


def cjk_pairs(text: str) -> str:
    """``text`` with every run of CJK characters written as its overlapping pairs.

    For a query: each run becomes a quoted phrase (``協定`` → ``"協定"``, ``김은철`` →
    ``"김은 은철"``) unless it is inside a phrase the user quoted already, so that
    ``websearch_to_tsquery`` asks for the pairs in sequence.
    """
    out, inside_quotes, position = [], False, 0
    for match in _CJK_RUN.finditer(text):
        before = text[position:match.start()]
        inside_quotes ^= before.count('"') % 2 == 1
        out.append(before)
        run = match.group()
        pairs = " ".join(run[i:i + 2] for i in range(len(run) - 1)) if len(run) > 1 else run
        out.append(f" {pairs} " if inside_quotes else f' "{pairs}" ')
        position = match.end()
    out.append(text[position:])
    return "".join(out)
