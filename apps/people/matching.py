"""Names brought to comparable forms across Latin, Cyrillic and Hangul, and compared.

Pure functions on strings: no model, no key. The blind index (``apps.people.blind_index``)
keys the forms built here; the duplicate finder compares them.

Why these forms. A person is written in the scripts of the sources that mention them: a North
Korean named in a Russian court record is in Cyrillic by the Kontsevich scheme, in English
news by Revised Romanization (RR) or McCune–Reischauer (MR, often without its breves and
apostrophes), and in Hangul by Korean sources. These spellings meet in sound, not in letters,
so each name is reduced to a *sound skeleton* coarse enough that the schemes' differences
vanish (RR ``eo``/MR ``ŏ``/Kontsevich ``о`` are one vowel; ``g``/``k``/``kk``/``k'``/``кх``
one consonant) and fine enough that different names stay apart. Russian names get their own
key, which folds the Latin transliterations in use (passport/ICAO, BGN/PCGN, GOST 7.79 and
ISO 9) to one form. Hangul is read into RR by ``anyascii`` (a kept library whose Hangul table
is RR) and then follows the Latin path; Cyrillic, whose ``anyascii`` reading is a Russian
transliteration, is read here by the Kontsevich table in reverse for the Korean skeleton.

The forms are lossy on purpose: they say "may be the same name", and
:func:`compare_names` scores a pair with ``rapidfuzz`` over the forms the two names share.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz

# Kinds of forms, each a separate key space in the blind index.
KOREAN = "ko"  # sound skeleton of a Korean name, whatever the script
KOREAN_CONSONANTS = "koc"  # the same without vowels: tolerant of vowel spellings
RUSSIAN = "ru"  # a Russian name folded across Latin transliterations
RUSSIAN_CONSONANTS = "ruc"
PLAIN = "plain"  # the letters themselves, case, accents, punctuation and word order aside
KINDS = (PLAIN, KOREAN, KOREAN_CONSONANTS, RUSSIAN, RUSSIAN_CONSONANTS)

# ── Korean ──────────────────────────────────────────────────────────────────────────────
# Latin romanization segments → skeleton symbols. Consonants fold the three series (plain,
# aspirated, tense) and l/r, which the schemes spell differently by position; vowels fold
# what MR without breves or Kontsevich cannot tell apart (ㅓ/ㅗ → O, ㅡ/ㅜ → U, ㅐ/ㅔ → E).
# fmt: off
_KO_CONSONANTS = {
    "tch": "C", "ch'": "C", "chh": "C", "ch": "C", "jj": "C", "j": "C", "c": "K",
    "kk": "K", "k'": "K", "kh": "K", "gg": "K", "k": "K", "g": "K", "q": "K",
    "tt": "T", "t'": "T", "th": "T", "dd": "T", "t": "T", "d": "T",
    "pp": "P", "p'": "P", "ph": "P", "bb": "P", "p": "P", "b": "P",
    "ss": "S", "sh": "S", "s": "S",
    "ng": "N", "n": "N", "m": "M", "h": "H",
    "rr": "L", "ll": "L", "r": "L", "l": "L",
}
_KO_VOWELS = {
    "yeo": "YO", "yae": "E", "wae": "WE", "weo": "WO",
    "eo": "O", "eu": "U", "ae": "E", "oe": "WE", "oi": "WE", "ui": "UI", "ue": "WE",
    "ya": "YA", "yo": "YO", "yu": "YU", "ye": "E", "yi": "I",
    "wa": "WA", "wo": "WO", "we": "WE", "wi": "WI",
    "a": "A", "o": "O", "u": "U", "e": "E", "i": "I", "y": "I",
}
# fmt: on
_KO_TABLE = {**_KO_CONSONANTS, **_KO_VOWELS}
_KO_SEGMENTS = sorted(_KO_TABLE, key=len, reverse=True)

# Kontsevich (Korean → Russian) in reverse: Cyrillic segments → the same symbols. Final ㅇ is
# "н" in Kontsevich (Пхеньян), hence N for both ㄴ and ㅇ above.
# fmt: off
_KONTSEVICH = {
    "чх": "C", "чч": "C", "чж": "C", "дж": "C", "ч": "C", "ц": "C",
    "кх": "K", "кк": "K", "к": "K", "г": "K",
    "тх": "T", "тт": "T", "т": "T", "д": "T",
    "пх": "P", "пп": "P", "п": "P", "б": "P",
    "сс": "S", "с": "S", "ш": "S", "н": "N", "м": "M", "х": "H", "ль": "L", "л": "L", "р": "L",
    "ый": "UI", "ва": "WA", "во": "WO", "ве": "WE", "вэ": "WE", "ви": "WI",
    "а": "A", "о": "O", "у": "U", "ы": "U", "э": "E", "е": "E", "и": "I", "й": "I",
    "ё": "YO", "ю": "YU", "я": "YA",
    "ь": "", "ъ": "",
}
# fmt: on
_KONTSEVICH_SEGMENTS = sorted(_KONTSEVICH, key=len, reverse=True)

# Surnames whose customary Latin spelling follows no scheme (Lee for 이, Park for 박): read as
# the scheme would write them. The list is the common surnames' customary spellings.
# fmt: off
_KO_SURNAMES = {
    "lee": "i", "rhee": "i", "yi": "i", "rhie": "i", "ri": "i",
    "park": "pak", "bak": "pak", "pahk": "pak",
    "choi": "choe", "chwe": "choe", "choy": "choe",
    "kang": "kang", "gang": "kang",
    "jung": "jeong", "chung": "jeong", "joung": "jeong",
    "shin": "sin", "sheen": "sin",
    "yoon": "yun", "yun": "yun",
    "cho": "jo", "joe": "jo",
    "lim": "im", "rim": "im",
    "oh": "o", "noh": "no", "roh": "no",
    "moon": "mun", "woo": "u", "yoo": "yu", "ryu": "yu", "you": "yu",
    "ahn": "an", "han": "han", "suh": "seo", "seo": "seo",
    "kwon": "gwon", "hwang": "hwang", "song": "song", "hong": "hong",
}

# fmt: on
# Russian sources keep the customary Ли and Ри for 이 and 리 (Kontsevich: И), and Цой, the
# Soviet Koreans' spelling of 최 (Kontsevich: Чхве).
_KO_SURNAMES_CYRILLIC = {"ли": "и", "ри": "и", "лим": "им", "рю": "ю", "цой": "чхве"}

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A word may hold apostrophes and GOST's backtick (Lan`kov, E`l`vira): one word, not two.
_WORDS = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")


def script_of(name: str) -> str:
    """The script a name is written in, as ISO 15924 codes the aliases use (Hang, Cyrl, Latn)."""
    if _HANGUL.search(name):
        return "Hang"
    if _CYRILLIC.search(name):
        return "Cyrl"
    return "Latn"


def _segment(text: str, segments: list[str], table: dict[str, str]) -> str | None:
    """``text`` as table symbols by longest match; None if a letter is not in the table."""
    out, i = [], 0
    while i < len(text):
        for seg in segments:
            if text.startswith(seg, i):
                out.append(table[seg])
                i += len(seg)
                break
        else:
            return None
        # A consonant doubled across a syllable boundary (RR "Ilsung", MR "Illsŏng") is one.
    return _squeeze("".join(out))


def _squeeze(skeleton: str) -> str:
    return re.sub(r"([^AEIOUYW])\1+", r"\1", skeleton)


def _korean_syllables_plausible(skeleton: str) -> bool:
    # A Korean name has at most two consonants between vowels (a final and an initial) and
    # none before the first vowel but one: "Dmitry" or "Lyubov" (v) are not read as Korean.
    runs = re.findall(r"[^AEIOUYW]+", skeleton)
    if not runs:
        return True
    lead = re.match(r"[^AEIOUYW]*", skeleton).group(0)
    return (
        len(lead) <= 1
        and all(len(run) <= 2 for run in runs)
        and len(re.search(r"[^AEIOUYW]*$", skeleton).group(0)) <= 1
    )


def _latin_word(word: str) -> str:
    """A Latin word in lower ASCII, MR breves and accents dropped, apostrophes kept (k', ch')."""
    word = word.replace("’", "'").replace("ʼ", "'")
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch))


def _korean_word(word: str, *, surname: bool) -> str | None:
    """One word's skeleton; its syllables (Hangul's, or a romanization's hyphen-parts) segmented apart.

    Apart, because "ng" is ambiguous across a boundary: 반기문 is Ban-gi-mun, not Bang-i-mun.
    """
    if script_of(word) == "Cyrl":
        lower = word.lower()
        if surname:
            lower = _KO_SURNAMES_CYRILLIC.get(lower, lower)
        syllables = [lower]
        table, segments = _KONTSEVICH, _KONTSEVICH_SEGMENTS
    else:
        if script_of(word) == "Hang":
            # anyascii writes each syllable in RR with a capital: "GimEunCheol".
            syllables = [_latin_word(part) for part in re.findall(r"[A-Z][a-z']*", anyascii(word))]
        else:
            syllables = [part for part in _latin_word(word).split("-") if part]
        if surname and syllables:
            syllables[0] = _KO_SURNAMES.get(syllables[0].replace("'", ""), syllables[0])
        syllables = [part.replace("oo", "u").replace("ee", "i") for part in syllables]
        table, segments = _KO_TABLE, _KO_SEGMENTS
    parts = []
    for syllable in syllables:
        part = _segment(syllable, segments, table)
        if part is None and "'" in syllable:
            part = _segment(syllable.replace("'", ""), segments, table)
        if part is None:
            return None
        # North and South Korea write a syllable's initial ㄹ before i/y differently (Ri/I/Lee
        # for 리/이, Ryong/Yong for 룡/용): the skeleton drops it.
        parts.append(re.sub(r"^L(?=[IY])", "", part))
    return "".join(parts)


def korean_skeleton(name: str) -> str | None:
    """The sound skeleton of ``name`` read as a Korean name (Hangul, Cyrillic or Latin); None if it cannot be one."""
    words = _WORDS.findall(name.replace("`", "'"))
    if not words:
        return None
    parts = []
    for index, word in enumerate(words):
        # The family name comes first (Kim Eun-chol), or last in Western order (Eun-chol Kim).
        part = _korean_word(word, surname=index == 0 or (len(words) == 2 and index == 1 and "-" in words[0]))
        if part is None or not _korean_syllables_plausible(part):
            return None
        parts.append(part)
    # ㄹ after a final n/ng is said, and in MR written, n (Sŏng-nak for 성락): both become N.
    return _squeeze("".join(parts).replace("NL", "NN"))


# ── Russian ─────────────────────────────────────────────────────────────────────────────
# Cyrillic to a fixed Latin spelling, then every Latin transliteration folded to one key.
# fmt: off
_RU_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
# Folds, in order: ISO 9 letters, GOST 7.79 B digraphs, then the English/passport/German
# spellings of the same sounds, then the glides (ye/je/ie, ya/ia/ja, yu/iu/ju, yo/io/jo) and
# -iy/-ii/-ij/-y endings.
_RU_FOLDS = [
    ("ŝ", "shch"), ("č", "ch"), ("š", "sh"), ("ž", "zh"), ("ë", "yo"), ("è", "e"), ("û", "yu"),
    ("â", "ya"), ("ǎ", "ya"), ("ʹ", ""), ("ʺ", ""), ("`", ""), ("'", ""),
    ("shch", "X"), ("shh", "X"), ("sch", "X"), ("tch", "C"), ("ch", "C"), ("cz", "Z"), ("sh", "X"),
    ("zh", "J"), ("kh", "H"), ("tz", "Z"), ("ts", "Z"), ("x", "ks"), ("c", "Z"), ("h", "H"), ("w", "v"),
    ("ye", "e"), ("je", "e"), ("ie", "e"), ("yo", "e"), ("jo", "e"), ("io", "e"),
    ("yu", "u"), ("ju", "u"), ("iu", "u"), ("ya", "a"), ("ja", "a"), ("ia", "a"),
    ("iy", "i"), ("yy", "i"), ("ij", "i"), ("yj", "i"), ("ii", "i"), ("j", "i"), ("y", "i"),
    ("ff", "v"), ("f", "v"), ("ks", "X"),
]


# fmt: on


def russian_key(name: str) -> str | None:
    """``name`` as a Russian name folded across transliterations (words sorted); None if not Latin or Cyrillic."""
    words = _WORDS.findall(name)
    if not words or any(script_of(word) == "Hang" for word in words):
        return None
    keys = []
    for word in words:
        word = word.lower()
        if script_of(word) == "Cyrl":
            word = "".join(_RU_CYRILLIC.get(ch, ch) for ch in word)
        else:
            word = unicodedata.normalize("NFC", word.replace("’", "'"))
            # Strip accents other than the ISO 9 letters the folds read.
            word = "".join(
                ch
                if ch in "ŝčšžëèûâǎ"
                else "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
                for ch in word
            )
        if word.startswith("x"):
            word = "h" + word[1:]  # GOST 7.79 B's x for х; inside a word x is more often кс (Alexey)
        for old, new in _RU_FOLDS:
            word = word.replace(old, new)
        if not word.isascii():
            return None
        keys.append(re.sub(r"(.)\1+", r"\1", word))
    return " ".join(sorted(keys))


def plain_form(name: str) -> str:
    """The letters of ``name`` in lower ASCII, words sorted: the same spelling, reordered or re-cased."""
    words = [re.sub(r"[^a-z]", "", anyascii(word).lower()) for word in _WORDS.findall(name)]
    return " ".join(sorted(word for word in words if word))


def _consonants(form: str) -> str:
    return re.sub(r"[aeiouyAEIOUYW ]", "", form)


def name_forms(name: str) -> dict[str, str]:
    """Every form of ``name`` by kind (absent kinds: the name cannot be read that way)."""
    forms = {}
    plain = plain_form(name)
    if plain:
        forms[PLAIN] = plain
    korean = korean_skeleton(name)
    if korean and len(korean) >= 3:
        forms[KOREAN] = korean
        forms[KOREAN_CONSONANTS] = _consonants(korean)
    russian = russian_key(name)
    if russian and len(russian.replace(" ", "")) >= 3:
        forms[RUSSIAN] = russian
        consonants = " ".join(filter(None, (_consonants(word) for word in russian.split())))
        if len(consonants.replace(" ", "")) >= 3:
            forms[RUSSIAN_CONSONANTS] = consonants
    return forms


@dataclass(frozen=True)
class NameMatch:
    """How two names compare: a score in [0, 1] and which kind of form made it."""

    score: float
    kind: str  # "same_spelling", "other_script", "other_spelling", "similar_spelling"


# A pair whose only shared form is the consonant skeleton must still look alike in full.
SIMILAR_SPELLING = 0.85
# Names are offered as one from this score (benchmarks/name_matching.py measures it).
THRESHOLD = 0.8


def compare_names(first: str, second: str) -> NameMatch | None:
    """Whether two visible names may be the same name, and how much; None if not.

    A pair is a candidate only if the two share one exact form (as the blind index finds
    them); rapidfuzz then scores how alike the full forms are, so a shared consonant skeleton
    alone (Kim Eun-chol / Kim Un-chol) counts only when the rest is close too.
    """
    a, b = name_forms(first), name_forms(second)
    shared = [kind for kind in KINDS if kind in a and kind in b and a[kind] == b[kind]]
    if not shared:
        return None
    if PLAIN in shared:
        return NameMatch(1.0, "same_spelling")
    other_script = script_of(first) != script_of(second)
    if KOREAN in shared or RUSSIAN in shared:
        return NameMatch(0.97, "other_script" if other_script else "other_spelling")
    best = 0.0
    for full in (KOREAN, RUSSIAN):
        if full in a and full in b:
            best = max(best, fuzz.ratio(a[full], b[full]) / 100)
    if best < SIMILAR_SPELLING:
        return None
    # Below a shared full form (0.97), however alike the spellings.
    return NameMatch(round(min(best, 0.95), 3), "similar_spelling")


def key_match(kinds: set[str]) -> NameMatch | None:
    """How two names compare knowing only which kinds of forms they share (protected names)."""
    if PLAIN in kinds:
        return NameMatch(1.0, "same_spelling")
    if KOREAN in kinds or RUSSIAN in kinds:
        return NameMatch(0.97, "other_script")
    return None  # a consonant skeleton alone is not enough without the spelling to compare
