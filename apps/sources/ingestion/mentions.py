"""Which known people, organizations (and agreements) an article mentions, and where.

A suggestion is a passage (the sentence around the match, an exact slice of the body) that a
caseworker can turn into a citation in one step: ``citation_add(article=…, quote=passage,
start=passage_start, fact=…)`` accepts it as it is.

How names are matched:

* individuals: the pseudonym and every alias, as whole words, case-sensitive. A one-word name
  directly followed by another capitalised word is another person ("Kim" in "Kim Jong Un") and
  is skipped; a longer known name covering the same words wins ("Kim Eun-chol" over "Kim").
* organizations: the name (case-insensitive when it has several words, e.g. "the federal
  migration service") and the short name (case-sensitive: "FMS", "UN").
* agreements: found by the agreements app (apps/agreements/mentions.py), which registers
  its finder here: this app sits below the records whose mentions it suggests.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from apps.core.scoping import visible
from apps.people.models import Individual, Organization
from apps.sources.models import Article

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+|\n+")


@dataclass(frozen=True)
class Passage:
    """One place in the body: the words matched and the sentence around them."""

    matched: str
    start: int
    end: int
    passage: str
    passage_start: int
    passage_end: int


@dataclass
class Mention:
    """A known record the article mentions, with every passage that mentions it."""

    kind: str  # "individual", "organization", or a registered finder's kind ("agreement")
    record: Any
    passages: list[Passage] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.record)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": str(self.record.public_id),
            "label": self.label,
            "passages": [passage.__dict__.copy() for passage in self.passages],
        }


_ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Gov|Sen|Rep|"
    r"No|vs|etc|approx|ca|e\.g|i\.e)|\b[A-Z](?:\.[A-Z])*|\bг|\bул|\bт\.е)\.$"
)


def sentence_ends(body: str) -> list[tuple[int, int]]:
    """(end of sentence, start of the next) for each sentence boundary in ``body``.

    A full stop after an abbreviation ("Jan. 29", "U.S.-based") or before a lower-case word or
    a digit does not end a sentence; a line break always does.
    """
    boundaries = []
    for match in _SENTENCE_END.finditer(body):
        if "\n" not in match.group(0):
            before = body[max(0, match.start() - 12) : match.start()].rstrip("\"'”’»)")
            following = body[match.end() : match.end() + 1]
            if _ABBREVIATION.search(before) or (following and (following.islower() or following.isdigit())):
                continue
        tail = match.group(0)
        closing = len(tail) - len(tail.lstrip("\"'”’»)"))
        boundaries.append((match.start() + closing, match.end()))
    return boundaries


def sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (within its paragraph) that contains body[start:end]."""
    return _Sentences(body).bounds(start, end)


class _Sentences:
    """The sentence boundaries of one body, found once for all the passages cut from it.

    Finding them is a pass over the whole body; doing it again for every match made an article
    with many mentions quadratic (seconds for a long article).
    """

    def __init__(self, body: str) -> None:
        self.body = body
        boundaries = sentence_ends(body)
        self._stops = [stop for stop, _next_start in boundaries]
        self._next_starts = [next_start for _stop, next_start in boundaries]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        # Both lists ascend: the sentence starts after the last boundary at or before ``start``
        # and stops at the first later boundary that is not inside the match.
        index = bisect.bisect_right(self._next_starts, start)
        sentence_start = self._next_starts[index - 1] if index else 0
        stop_index = bisect.bisect_left(self._stops, end, lo=index)
        sentence_end = self._stops[stop_index] if stop_index < len(self._stops) else len(self.body)
        return sentence_start, sentence_end

    def passage(self, start: int, end: int) -> Passage:
        passage_start, passage_end = self.bounds(start, end)
        body = self.body
        return Passage(body[start:end], start, end, body[passage_start:passage_end], passage_start, passage_end)


def sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``body``."""
    spans, position = [], 0
    for stop, next_start in sentence_ends(body):
        if stop > position:
            spans.append((position, stop))
        position = next_start
    if position < len(body):
        spans.append((position, len(body)))
    return spans


def _word_pattern(name: str, *, ignore_case: bool) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flags)


def _name_hits(body: str, names: Iterable[tuple[str, bool]]) -> list[tuple[int, int]]:
    hits = []
    for name, ignore_case in names:
        if len(name.strip()) < 2:
            continue
        hits += [(match.start(), match.end()) for match in _word_pattern(name, ignore_case=ignore_case).finditer(body)]
    return hits


_NAME_CONTINUES = re.compile(r"[ \u00a0]+[A-ZА-ЯЁ][\w-]*")


def _individual_hits(body: str, individuals: list[Individual]) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    # The characters a longer name has claimed (names are tried longest first). A flag per
    # character, not a list of spans to search: a body with thousands of mentions made that
    # search quadratic (74 s for 40,000).
    claimed = bytearray(len(body))
    entries = []
    for individual in individuals:
        names = {individual.pseudonym} | {alias.name for alias in individual.aliases.all()}
        entries += [(name, individual.pk) for name in names if len(name.strip()) >= 1]
    for name, pk in sorted(entries, key=lambda entry: -len(entry[0])):
        for match in _word_pattern(name, ignore_case=False).finditer(body):
            start, end = match.start(), match.end()
            if claimed.find(0, start, end) < 0:
                continue  # inside a longer known name
            if " " not in name and _NAME_CONTINUES.match(body, end):
                continue  # "Kim Jong Un": someone else with the same first word
            claimed[start:end] = b"\x01" * (end - start)
            found.setdefault(pk, []).append((start, end))
    return found


@dataclass(frozen=True)
class MentionFinder:
    """How another app's records are found in a text (agreements, from the agreements app).

    ``records(user)``: the candidates ``user`` may see (every record when ``user`` is None),
    with what ``hits`` reads prefetched; ``hits(body, records)``: ``{pk: [(start, end), …]}``.
    """

    kind: str
    records: Callable[[Any], Iterable[Any]]
    hits: Callable[[str, list], dict[int, list[tuple[int, int]]]]


# Filled by the apps above this one when they are ready, in the order suggestions are listed.
FINDERS: dict[str, MentionFinder] = {}


def finder_register(*, kind: str, plural: str, records, hits) -> None:
    """Let ``mentions_in_text`` and ``article_mentions`` find records of another kind.

    ``plural`` is the keyword under which ``mentions_in_text`` takes the candidates.
    """
    FINDERS[plural] = MentionFinder(kind=kind, records=records, hits=hits)


def mentions_in_text(
    body: str,
    *,
    individuals: Iterable[Individual],
    organizations: Iterable[Organization],
    **others: Iterable[Any],
) -> list[Mention]:
    """The mentions of the given records in ``body``; individuals' aliases must be prefetched.

    ``others`` holds the candidates of each registered finder by its plural
    (``agreements=…``); a finder left out is not searched.
    """
    unknown = set(others) - set(FINDERS)
    if unknown:
        raise TypeError(f"No mention finder for {', '.join(sorted(unknown))}.")
    mentions: list[Mention] = []
    passage = _Sentences(body).passage
    individuals = list(individuals)
    by_pk = {individual.pk: individual for individual in individuals}
    for pk, hits in _individual_hits(body, individuals).items():
        mentions.append(Mention("individual", by_pk[pk], [passage(s, e) for s, e in sorted(hits)]))
    for organization in organizations:
        names = [(organization.name, " " in organization.name)]
        if organization.short_name:
            names.append((organization.short_name, False))
        hits = sorted(set(_name_hits(body, names)))
        if hits:
            mentions.append(Mention("organization", organization, [passage(s, e) for s, e in hits]))
    order = {"individual": 0, "organization": 1}
    for plural, finder in FINDERS.items():
        order[finder.kind] = len(order)
        records = list(others.get(plural, ()))
        record_by_pk = {record.pk: record for record in records}
        for pk, hits in finder.hits(body, records).items():
            mentions.append(Mention(finder.kind, record_by_pk[pk], [passage(s, e) for s, e in hits]))
    mentions.sort(key=lambda mention: (order[mention.kind], mention.passages[0].start, mention.label))
    return mentions


def article_mentions(*, article: Article, user=None) -> list[Mention]:
    """The known individuals, organizations (and registered kinds) that ``article``'s body mentions.

    Each :class:`Mention` carries its record and the passages (exact slices of the body, with
    offsets) that mention it, first passage first. With ``user``, only the records that user
    may see are suggested (apps.core.scoping): a suggestion must not reveal that the NGO
    follows someone. Without it (commands, tests), every record. Five queries whatever the
    article.
    """
    if user is None:
        individuals, organizations = Individual.objects.all(), Organization.objects.all()
    else:
        individuals, organizations = visible(Individual, user), visible(Organization, user)
    return mentions_in_text(
        article.body,
        individuals=individuals.prefetch_related("aliases"),
        organizations=organizations,
        **{plural: finder.records(user) for plural, finder in FINDERS.items()},
    )
