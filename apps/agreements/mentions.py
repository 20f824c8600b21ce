"""Finding agreements in an article's text, for the mention suggestions of apps.sources.

An agreement is mentioned by its title or short title; or, since articles rarely use a
treaty's title, by a sentence that speaks of an agreement ("agreement", "deal", "pact",
"treaty"…), names every party, and shares a distinctive word with the agreement's title
("readmission", "illegal", "extradition"…). Registered when the app is ready.
"""

from __future__ import annotations

import bisect
import re

from apps.agreements.models import Agreement
from apps.core.scoping import visible
from apps.people.models import Organization
from apps.sources.ingestion.mentions import _name_hits, _word_pattern, finder_register, sentences

# Names by which articles refer to the countries that are parties to agreements.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "RU": ("Russia", "Russian Federation", "Moscow", "Soviet Union", "USSR", "Россия", "России", "РФ"),
    "KP": ("North Korea", "DPRK", "Democratic People's Republic of Korea", "Pyongyang", "the North",
           "КНДР", "Северная Корея", "Северной Кореи", "북한", "조선"),
    "KR": ("South Korea", "Republic of Korea", "Seoul", "Южная Корея", "한국"),
    "CN": ("China", "Beijing", "Китай", "Китая", "중국"),
    "UA": ("Ukraine", "Kyiv", "Kiev", "Украина", "Украины"),
    "KZ": ("Kazakhstan", "Казахстан"),
}
AGREEMENT_WORDS = re.compile(
    r"\b(?:agreements?|deals?|pacts?|treat(?:y|ies)|protocols?|conventions?|accords?|arrangements?|"
    r"соглашени\w*|договор\w*|협정)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    """a an and are as at be between by for from has have in into is it its of on or the their this
    to who with which agreement agreements treaty protocol convention work persons person territory
    russian federation dprk korea north south republic people democratic union ussr china""".split()
)
_COUNTRY_STEMS = frozenset(
    word.casefold()[:7] for names in COUNTRY_NAMES.values() for name in names for word in name.split()
)


def _distinctive_words(agreement: Agreement) -> set[str]:
    text = f"{agreement.title} {agreement.short_title}"
    words = {word.casefold() for word in re.findall(r"[^\W\d_]{4,}", text)}
    return {word[:7] for word in words if word not in STOPWORDS and word[:7] not in _COUNTRY_STEMS}


def _agreement_hits(body: str, agreements: list[Agreement]) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    spans = sentences(body)
    span_starts = [start for start, _end in spans]
    for agreement in agreements:
        names = [(agreement.title, True)] + ([(agreement.short_title, True)] if agreement.short_title else [])
        hits = _name_hits(body, names)
        parties = [COUNTRY_NAMES.get(str(code), (str(code.name),)) for code in agreement.party_countries]
        parties += [
            tuple(name for name in (organization.name, organization.short_name) if name)
            for organization in agreement.party_organizations.all()
            if organization.kind == Organization.Kind.INTERNATIONAL_BODY
        ]
        stems = _distinctive_words(agreement)
        if len(parties) >= 2 and stems:
            # Sentences that already name the agreement, found once: asking every sentence
            # about every title hit was quadratic in an article that names it thousands of times.
            named = set()
            for hit_start, _hit_end in hits:
                number = bisect.bisect_right(span_starts, hit_start) - 1
                if number >= 0 and hit_start < spans[number][1]:
                    named.add(number)
            for number, (start, end) in enumerate(spans):
                sentence = body[start:end]
                noun = AGREEMENT_WORDS.search(sentence)
                if not noun or number in named:
                    continue
                if not all(
                    any(_word_pattern(name, ignore_case=False).search(sentence) for name in names)
                    for names in parties
                ):
                    continue
                words = {word.casefold()[:7] for word in re.findall(r"[^\W\d_]{4,}", sentence)}
                if words & stems:
                    hits.append((start + noun.start(), start + noun.end()))
        if hits:
            found[agreement.pk] = sorted(set(hits))
    return found


def _candidates(user):
    agreements = Agreement.objects.all() if user is None else visible(Agreement, user)
    return agreements.prefetch_related("party_organizations")


finder_register(kind="agreement", plural="agreements", records=_candidates, hits=_agreement_hits)
