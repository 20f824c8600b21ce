"""A database of an NGO network's size, for benchmarks: ``manage.py seed_load``.

Everything it writes is a state the services allow — a case has a subject, a fact has a
citation whose quote is an exact slice of its article's body, partial dates are well formed and
in order, proceedings concern a subject of their case — but it is written in bulk
(``bulk_create`` in batches), not through the services one record at a time, which would take
hours at a million articles. A sample of what it wrote is checked with the models' own
``full_clean`` at the end, so a change of a rule that the loader does not follow fails loudly.

Deterministic for a seed: the same ``--seed`` gives the same names, bodies, references and
public ids whatever ``--workers`` (timestamps are the load's own). Bodies are English, Russian
and Korean (70/15/15), 6 to 14 sentences from a pool of ``POOL_SIZE`` sentences per language
built once per seed from the sentence patterns, names in Latin, Cyrillic and Hangul, places and
words filled in, so that full-text search has common words ("readmission" is in one pattern of
eight) and rare ones (one English sentence in ``RARE_EVERY``, every rare word in every pool).

Every body names its file number, ``<seed>-<ordinal>``, in one sentence that no other pattern
can produce, so no two bodies (and sha256s) are ever the same, for any number of articles.

On PostgreSQL the secondary indexes of the loaded tables are dropped for the load and built
again after it (whatever happens), and articles are copied (COPY) by ``--workers`` forked
processes, each with its own connection. Each article's stored search vector is written by the
loader, not computed by the server from the body: PostgreSQL computes the vector of each
pooled sentence once (and of each language's file-number sentence, a template the article's
ordinal fills in: ``_FileNumberVectors``), and the loader joins a body's sentences' vectors as
to_tsvector would have (see ``_PoolVectors``); the trigger of
sources 0013 keeps what the loader gives only for the loader's own transactions, and
``_check_sample`` compares a sample with the function. See docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from apps.cases.models import Case, Fact
from apps.core.partial_dates import PartialDate, Precision
from apps.people.models import Alias, Individual, Organization
from apps.proceedings.models import Proceeding
from apps.sources.models import Article, Citation
from apps.sources.normal_form import normalize_body

FACTS_PER_CASE = 5
PROCEEDINGS_PER_CASE = 3

# Names as the seeds write them, in the three scripts; combined at random into pseudonyms.
SURNAMES = [
    ("Kim", "Ким", "김"),
    ("Lee", "Ли", "이"),
    ("Park", "Пак", "박"),
    ("Choi", "Цой", "최"),
    ("Jung", "Чон", "정"),
    ("Kang", "Кан", "강"),
    ("Cho", "Чо", "조"),
    ("Yoon", "Юн", "윤"),
]
GIVEN = [
    ("Eun-chol", "Ын Чхоль", "은철"),
    ("Min-jun", "Мин Чжун", "민준"),
    ("Seo-yeon", "Со Ён", "서연"),
    ("Ji-ho", "Чжи Хо", "지호"),
    ("Hyun-woo", "Хён У", "현우"),
    ("Su-bin", "Су Бин", "수빈"),
    ("Young-ho", "Ён Хо", "영호"),
    ("Mi-rae", "Ми Рэ", "미래"),
]
PLACES_EN = ["Moscow", "Vladivostok", "the Amur region", "Khabarovsk", "Tumen", "Novosibirsk", "Primorye"]
PLACES_RU = ["Москве", "Владивостоке", "Амурской области", "Хабаровске", "Приморье", "Новосибирске"]
PLACES_KO = ["모스크바", "블라디보스토크", "하바롭스크", "연해주", "아무르주"]
WORDS_EN = [
    "asylum",
    "refugee",
    "court",
    "appeal",
    "detention",
    "deportation",
    "migration",
    "border",
    "lawyer",
    "hearing",
    "decision",
    "status",
    "temporary",
    "protection",
    "embassy",
    "labour",
]
RARE_EN = ["quixotic", "palimpsest", "sesquipedalian", "zugzwang", "apricity", "lacuna"]

SENTENCES_EN = [
    "{name} asked the {authority} for {word} in {place}.",
    "The {authority} refused {name} {word} on {date}, saying he was not in danger.",
    "A court in {place} heard the {word} of {name} and overturned the refusal.",
    "Lawyers for {name} said the {word} would be filed again within thirty days.",
    "{name} was held in {place} for weeks before a {word} was scheduled.",
    "Human rights groups said the {word} process in {place} left people like {name} at risk.",
    "The readmission agreement between Russia and North Korea allows deportation within 30 days.",
    "Officials declined to comment on the {word} of {name}.",
]
SENTENCES_RU = [
    "{name} обратился в {authority} за убежищем в {place}.",
    "ФМС отказала {name} во временном убежище, заявив, что ему ничего не угрожает.",
    "Суд в {place} отменил отказ и вернул дело {name} на новое рассмотрение.",
    "Соглашение о реадмиссии между Россией и КНДР позволяет депортацию в течение 30 дней.",
    "Адвокаты {name} подали жалобу на решение миграционной службы.",
]
SENTENCES_KO = [
    "{name} 씨는 {place}에서 난민 지위를 신청했다.",
    "러시아 당국은 {name} 씨의 임시 망명 신청을 거부했다.",
    "법원은 {place}에서 {name} 씨에 대한 거부 결정을 뒤집었다.",
    "러시아와 북한의 재입국 협정은 30일 이내 송환을 허용한다.",
]
# One sentence of every article names its file number, "<seed>-<ordinal>": the other patterns
# draw from small vocabularies (and some have no blanks at all), so without it two articles
# can come out the same (seed 1 drew article 331,487's Korean body again at 456,721) and the
# load dies on the unique sha256. No other pattern has "No." / "№" / "번호", so the number
# reads back from the body unambiguously: bodies of different (seed, ordinal) always differ.
FILE_NUMBER = {
    "en": "The case file is registered under No. {number}.",
    "ru": "Материалы дела зарегистрированы под № {number}.",
    "ko": "이 사건의 문서 번호는 {number}번이다.",
}
LANGUAGES = [
    ("en", SENTENCES_EN, PLACES_EN, 0),
    ("ru", SENTENCES_RU, PLACES_RU, 1),
    ("ko", SENTENCES_KO, PLACES_KO, 2),
]


@dataclass
class LoadReport:
    """What ``seed_load`` wrote and how fast."""

    organizations: int = 0
    individuals: int = 0
    articles: int = 0
    cases: int = 0
    proceedings: int = 0
    facts: int = 0
    citations: int = 0
    seconds: float = 0.0
    article_seconds: float = 0.0  # the articles' rows, search vectors included
    index_seconds: float = 0.0  # the dropped indexes built again, after every table is loaded

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.article_seconds if self.article_seconds else 0.0

    @property
    def searchable_per_second(self) -> float:
        """Articles per second counting all it takes before they are searchable: rows and indexes."""
        seconds = self.article_seconds + self.index_seconds
        return self.articles / seconds if seconds else 0.0


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _name(rng: random.Random) -> tuple[str, str, str]:
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    return (f"{surname[0]} {given[0]}", f"{surname[1]} {given[1]}", f"{surname[2]}{given[2]}")


# Sentences per language in a seed's pool. A rare word fills one English sentence in
# RARE_EVERY, in turn, as often as the old per-sentence draw (1 in 500) but never missing from
# the pool: a pool is small enough that chance could leave "palimpsest" out of a whole load.
POOL_SIZE = 4000
RARE_EVERY = 500
_POOLS: dict[tuple[int, int], dict[str, list[str]]] = {}


def sentence_pool(seed: int) -> dict[str, list[str]]:
    """Language → the seed's ``POOL_SIZE`` sentences, names, places and words filled in.

    Built once per seed (and per ``LANGUAGES``, which a test replaces): a body is then a few
    picks from its language's pool, so an article costs a handful of random draws instead of
    formatting every sentence again, and the search vector of each pooled sentence needs
    computing only once (``_SentenceVectors``).
    """
    key = (seed, id(LANGUAGES))
    if key not in _POOLS:
        rng = random.Random(f"sentence pool {seed}")
        pools = {}
        for language, patterns, places, script in LANGUAGES:
            with_word = [pattern for pattern in patterns if "{word}" in pattern] or patterns
            sentences = []
            for number in range(POOL_SIZE):
                rare = language == "en" and number % RARE_EVERY == RARE_EVERY - 1
                pattern = rng.choice(with_word if rare else patterns)
                word = RARE_EN[(number // RARE_EVERY) % len(RARE_EN)] if rare else rng.choice(WORDS_EN)
                sentences.append(
                    pattern.format(
                        name=_name(rng)[script],
                        authority="Federal Migration Service",
                        place=rng.choice(places),
                        word=word,
                        date=f"{rng.randint(1, 28)} {rng.choice(['January', 'May', 'November'])} "
                        f"{rng.randint(2010, 2020)}",
                    )
                )
            pools[language] = sentences
        _POOLS.clear()  # one seed at a time is all a load needs
        _POOLS[key] = pools
    return _POOLS[key]


def _article_plan(seed: int, index: int) -> tuple[str, list[int], int]:
    """(language, the pool sentences in order, where the file-number sentence goes)."""
    rng = random.Random(seed * 1_000_003 + index)
    language = LANGUAGES[0][0] if rng.random() < 0.7 else rng.choice(LANGUAGES[1:])[0]
    picks = rng.choices(range(POOL_SIZE), k=rng.randint(6, 14))
    # Anywhere but first (the first sentence is the title).
    return language, picks, rng.randint(1, len(picks))


def _file_number(seed: int, index: int, language: str) -> str:
    return FILE_NUMBER[language].format(number=f"{seed}-{index}")


def _separator(number: int) -> str:
    # Paragraphs of three sentences, one blank line between them: already the normal form.
    return "\n\n" if number % 3 == 0 else " "


def article_text(seed: int, index: int) -> tuple[str, str, str, list[tuple[int, int]]]:
    """(title, language, body, sentence spans) of article ``index``: rebuilt the same on demand.

    A citation quotes one of the spans, so that its quote is an exact slice of the body
    without keeping a million bodies in memory.
    """
    return _compose(seed, index, _article_plan(seed, index))


def _sentences(seed: int, index: int, plan: tuple[str, list[int], int]) -> list[str]:
    """The body's sentences in order: the pool's picks, the file-number sentence among them."""
    language, picks, at = plan
    pool = sentence_pool(seed)[language]
    sentences = [pool[pick] for pick in picks]
    sentences.insert(at, _file_number(seed, index, language))
    return sentences


def _compose(seed: int, index: int, plan: tuple[str, list[int], int]) -> tuple[str, str, str, list]:
    language = plan[0]
    sentences = _sentences(seed, index, plan)
    parts, spans, position = [], [], 0
    for number, sentence in enumerate(sentences):
        if number:
            separator = _separator(number)
            parts.append(separator)
            position += len(separator)
        spans.append((position, position + len(sentence)))
        parts.append(sentence)
        position += len(sentence)
    return sentences[0][:TITLE_LENGTH], language, "".join(parts), spans


TITLE_LENGTH = 120

# The search vector of a loaded article, built from its sentences' vectors. PostgreSQL's
# default parser never makes a token across white space, and the CJK pairs of sources 0005
# never pair across it either, so to_tsvector of sentences joined by spaces is the union of
# each sentence's lexemes, their positions moved on by the positions (words, stop words
# included) of the sentences before. A sentence's count of positions is read from the position
# of a "0" added after it. ``setweight(title, 'A') || setweight(body, 'B')`` then moves the
# body's positions on by the title's largest. The text written is one entry per position
# ("'asylum':3B 'asylum':17B"): PostgreSQL's tsvector input merges a lexeme's entries, sorted,
# into the very value to_tsvector makes, and skipping the merge here is most of the saving.
# to_tsvector clamps positions above MAX_POSITION and keeps MAX_POSITIONS per lexeme; rather
# than imitate that, a vector that could reach them is left to the trigger (NULL), which
# computes it. ``_check_sample`` compares a sample of the stored vectors with the function
# itself, and tests compare whole loads.
MAX_POSITION = 16383
MAX_POSITIONS = 255
SENTENCE_VECTORS = """
    SELECT to_tsvector(sources_search_config(u.language), sources_cjk_pairs(u.sentence) || ' 0')::text
    FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(language, sentence, n)
    ORDER BY u.n
"""
# tsvector's text output, "'lexeme':1,4 'it''s':2": a lexeme already quoted as its input reads
# it, then its positions (to_tsvector's vectors carry no weights).
TSVECTOR_ENTRY = re.compile(r"('(?:[^']|'')*'):([0-9,]+)")
# A sentence's vector, flat: (positions it takes, ["'lexeme':" once per position], [positions]).
Piece = tuple[int, list[str], list[int]]
# A piece ready to write: (positions it takes, its lexemes, positions, its text as a format
# "'asylum':%dB 'court':%dB" that takes the positions moved on). One %-format per sentence
# instead of a string built per position: most of what joining the vectors cost in Python.
Part = tuple[int, list[str], list[int], str]


def _part(piece: Piece) -> Part:
    count, quoted, positions = piece
    return count, quoted, positions, " ".join(lexeme.replace("%", "%%") + "%dB" for lexeme in quoted)


def sentence_vectors(cursor, sentences: list[tuple[str, str]]) -> list[Piece]:
    """For each (language, sentence): its vector as a ``Piece``, computed by PostgreSQL."""
    cursor.execute(
        SENTENCE_VECTORS, [[language for language, _ in sentences], [text for _, text in sentences]]
    )
    pieces = []
    for (text,) in cursor.fetchall():
        flat = sorted(
            (int(position), quoted + ":")
            for quoted, positions in TSVECTOR_ENTRY.findall(text)
            for position in positions.split(",")
        )
        # The added "0" takes the last position: it is the sentence's count, plus one.
        (end, zero) = flat.pop()
        assert zero == "'0':", f"no position of the added 0 in {text!r}"
        pieces.append((end - 1, [quoted for _p, quoted in flat], [position for position, _q in flat]))
    return pieces


class _PoolVectors:
    """The vectors of a seed's pooled sentences (as body sentences and as titles), computed once."""

    def __init__(self, cursor, seed: int) -> None:
        pools = sentence_pool(seed)
        items, titles = [], []
        for language, sentences in pools.items():
            items += [(language, sentence) for sentence in sentences]
            titles += [(language, sentence[:TITLE_LENGTH]) for sentence in sentences]
        # A title is its body's first sentence, cut at TITLE_LENGTH: asked for only where cut.
        cut = [
            number for number, (item, title) in enumerate(zip(items, titles, strict=True)) if item != title
        ]
        pieces = sentence_vectors(cursor, items + [titles[number] for number in cut])
        title_pieces = list(pieces[: len(items)])
        for number, piece in zip(cut, pieces[len(items) :], strict=True):
            title_pieces[number] = piece
        self.body: dict[str, list[Part]] = {}
        # A title's part of the vector, weight A, never moved: the text once for all.
        self.title: dict[str, list[tuple[int, str, list[str]]]] = {}
        at = 0
        for language, sentences in pools.items():
            self.body[language] = [_part(piece) for piece in pieces[at : at + len(sentences)]]
            self.title[language] = [
                (
                    max(positions, default=0),
                    " ".join(f"{q}{p}A" for q, p in zip(quoted, positions, strict=True)),
                    quoted,
                )
                for _count, quoted, positions in title_pieces[at : at + len(sentences)]
            ]
            at += len(sentences)

    def vector(self, plan: tuple[str, list[int], int], file_number: Piece) -> str | None:
        """The stored vector of the article planned so, as tsvector text; None: left to the trigger."""
        language, picks, at = plan
        body = self.body[language]
        pieces = [body[pick] for pick in picks]
        pieces.insert(at, _part(file_number))
        offset, text, title_quoted = self.title[language][picks[0]]
        length = sum(piece[0] for piece in pieces)
        if offset + length > MAX_POSITION:
            return None
        # A lexeme has at most as many positions as the vector has entries: count only then.
        if len(title_quoted) + sum(len(piece[1]) for piece in pieces) > MAX_POSITIONS:
            counts = Counter(title_quoted)
            for piece in pieces:
                counts.update(piece[1])
            if max(counts.values()) > MAX_POSITIONS:
                return None
        out = [text] if text else []
        for count, _quoted, positions, form in pieces:
            if positions:
                out.append(form % tuple(map(offset.__add__, positions)))
            offset += count
        return " ".join(out)


class _FileNumberVectors:
    """The vector of each body's file-number sentence, from one template per language.

    PostgreSQL's parser reads a file number "<seed>-<ordinal>" as two tokens, the seed and the
    ordinal with its minus sign (``'-123456'``), whatever the ordinal; the rest of the sentence
    never changes. So each language's sentence is asked for once, and an article's piece is
    that one with its own ordinal put in, instead of the server parsing one sentence per
    article (about 40 µs of server time each, a sixth of an article's whole cost).

    The templates are held to the server first: for a spread of ordinals of this load (the
    first, the last, every length of number between), the piece a template makes must be the
    one the server computes. A language whose template does not hold (a parser or pattern that
    reads the number otherwise) asks the server for every batch, as before; ``_check_sample``
    and the tests compare the stored vectors with the function's in either case.
    """

    PROBE = 7_654_321  # an ordinal whose lexeme no pattern can contain by chance

    def __init__(self, cursor, seed: int, total: int, languages: list[str]) -> None:
        self.seed = seed
        self.templates: dict[str, tuple[int, list[str], list[int], int]] = {}
        # None is negative: there is at least one article (the command refuses fewer).
        ordinals = sorted({0, 1, 9, 10, 99_999, total - 1, *(10**digits + 3 for digits in range(1, 8))})
        asked = [(language, ordinal) for language in languages for ordinal in [self.PROBE, *ordinals]]
        pieces = dict(
            zip(
                asked,
                sentence_vectors(
                    cursor, [(language, _file_number(seed, ordinal, language)) for language, ordinal in asked]
                ),
                strict=True,
            )
        )
        for language in languages:
            count, quoted, positions = pieces[(language, self.PROBE)]
            slots = [number for number, lexeme in enumerate(quoted) if lexeme == self._lexeme(self.PROBE)]
            if len(slots) != 1:
                continue
            template = (count, quoted, positions, slots[0])
            if all(
                self._sorted(self._fill(template, ordinal)) == self._sorted(pieces[(language, ordinal)])
                for ordinal in ordinals
            ):
                self.templates[language] = template

    @staticmethod
    def _lexeme(ordinal: int) -> str:
        return f"'-{ordinal}':"

    @classmethod
    def _fill(cls, template: tuple[int, list[str], list[int], int], ordinal: int) -> Piece:
        count, quoted, positions, slot = template
        quoted = list(quoted)
        quoted[slot] = cls._lexeme(ordinal)
        return count, quoted, positions

    @staticmethod
    def _sorted(piece: Piece) -> tuple[int, list[tuple[int, str]]]:
        count, quoted, positions = piece
        return count, sorted(zip(positions, quoted, strict=True))

    def pieces(self, cursor, articles: list[tuple[int, str]]) -> list[Piece]:
        """For each (ordinal, language): the ``Piece`` of that article's file-number sentence."""
        asked = [(ordinal, language) for ordinal, language in articles if language not in self.templates]
        from_server = iter(
            sentence_vectors(
                cursor,
                [(language, _file_number(self.seed, ordinal, language)) for ordinal, language in asked],
            )
            if asked
            else []
        )
        return [
            self._fill(self.templates[language], ordinal) if language in self.templates else next(from_server)
            for ordinal, language in articles
        ]


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _SecondaryIndexesDropped:
    """On PostgreSQL, drop the non-unique indexes of ``tables`` and build them again on exit.

    The definitions are read (``pg_get_indexdef``, what ``pg_indexes`` shows) before anything
    is dropped, and every one is built again on the way out whatever happened in between; an
    index that cannot be built is named with its statement in the error, never left out
    silently. Inside a caller's transaction that an error is rolling back, the drops roll back
    with it. Built with a raised ``maintenance_work_mem``; outside a caller's transaction over
    ``workers`` connections at once, the largest (GIN) first: each build is one server process
    scanning its table, so one at a time would leave a core idle.
    """

    MAINTENANCE_WORK_MEM = "256MB"

    def __init__(self, tables: list[str], workers: int = 1) -> None:
        self.tables, self.workers, self.definitions, self.seconds = tables, workers, [], 0.0

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
                ORDER BY 1
                """,
                [self.tables],
            )
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if not self.definitions:
            return
        started = time.perf_counter()
        if connection.in_atomic_block or self.workers <= 1:
            failed = self._build_here()
        else:
            # GIN first: those take longest, and the others fill in beside them.
            ordered = sorted(self.definitions, key=lambda item: " USING gin " not in item[1])
            with ThreadPoolExecutor(self.workers, thread_name_prefix="seed_load-index") as pool:
                failed = [error for error in pool.map(self._build_apart, ordered) if error]
        self.seconds = time.perf_counter() - started
        if failed and exc_type is not None and connection.in_atomic_block:
            return  # the caller's transaction rolls back, the drops with it: let the first error through
        if failed:
            raise RuntimeError(
                "seed_load could not build these indexes again; run them by hand:\n" + "\n".join(failed)
            ) from exc

    def _build_here(self) -> list[str]:
        failed = []
        try:
            with connection.cursor() as cursor:
                # Foreign keys are checked at commit (deferred); inside a transaction their
                # pending checks would forbid building an index on the same tables: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "SELECT set_config('maintenance_work_mem', %s, false)", [self.MAINTENANCE_WORK_MEM]
                )
                for _name, definition in self.definitions:
                    try:
                        with transaction.atomic():
                            cursor.execute(definition)
                    except DatabaseError as error:
                        failed.append(f"{definition}; -- {error}")
                cursor.execute("RESET maintenance_work_mem")
        except DatabaseError as error:
            failed.append(f"(could not rebuild: {error})")
        return failed

    def _build_apart(self, item: tuple[str, str]) -> str | None:
        """Build one index in its own transaction on this thread's connection; the error, if any."""
        _name, definition = item
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('maintenance_work_mem', %s, true)", [self.MAINTENANCE_WORK_MEM]
                )
                cursor.execute(definition)
        except DatabaseError as error:
            return f"{definition}; -- {error}"
        finally:
            connection.close()
        return None


def seed_load(
    *,
    cases: int,
    articles: int,
    seed: int = 1,
    batch: int = 5000,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> LoadReport:
    """Add ``cases`` cases (with subjects, proceedings, facts and citations) and ``articles`` articles.

    Adds to what is there (references and addresses are chosen not to collide with the seed
    fixture's). ``progress(stage, done, total)`` is called after each batch. ``workers``: on
    PostgreSQL outside a transaction, how many connections copy articles at once (the same
    data whatever the number).
    """
    progress = progress or (lambda stage, done, total: None)
    report, started = LoadReport(), time.perf_counter()
    rng = random.Random(seed)
    # Not the case-subject table's: the triggers that keep ``Individual.in_a_case``
    # (apps/cases/migrations/0012) look a person up in it by ``individual_id`` on every
    # individual and every subject written, and without its index each lookup read the whole
    # table: the cases fell from 190/s to 100/s by 75,000 of them. Its rows are one per case.
    tables = [
        model._meta.db_table for model in (Article, Citation, Fact, Proceeding, Case, Individual, Alias)
    ]
    indexes = _SecondaryIndexesDropped(tables, workers)
    with indexes:
        organizations = _load_organizations(rng, report)
        article_ids = _load_articles(
            seed, articles, batch, organizations["outlets"], report, progress, workers
        )
        _load_cases(rng, seed, cases, batch, organizations, article_ids, report, progress)
    report.index_seconds = indexes.seconds
    _check_sample(seed, article_ids)
    report.seconds = time.perf_counter() - started
    return report


def _load_organizations(rng: random.Random, report: LoadReport) -> dict[str, list[int]]:
    kinds = {
        "outlets": (Organization.Kind.NEWS_OUTLET, 40),
        "ngos": (Organization.Kind.NGO, 60),
        "authorities": (Organization.Kind.GOVERNMENT_AGENCY, 30),
    }
    made = {}
    for group, (kind, count) in kinds.items():
        rows = [
            Organization(
                public_id=_uuid(rng),
                name=f"Load {group[:-1]} {rng.getrandbits(32):08x}-{n}",
                kind=kind,
                country="RU",
            )
            for n in range(count)
        ]
        made[group] = [row.pk for row in Organization.objects.bulk_create(rows)]
        report.organizations += count
    return made


def _article_rows(seed: int, start: int, stop: int, outlets: list[int]) -> Iterator[dict]:
    for index in range(start, stop):
        yield _article_row(seed, index, _article_plan(seed, index), outlets)


def _title_and_body(seed: int, index: int, plan: tuple[str, list[int], int]) -> tuple[str, str]:
    """``_compose`` without the spans, which only citations need: what a row is written from."""
    sentences = _sentences(seed, index, plan)
    # Paragraphs of three sentences, as ``_separator`` puts them.
    paragraphs = [" ".join(sentences[first : first + 3]) for first in range(0, len(sentences), 3)]
    return sentences[0][:TITLE_LENGTH], "\n\n".join(paragraphs)


def _article_row(seed: int, index: int, plan: tuple[str, list[int], int], outlets: list[int]) -> dict:
    title, body = _title_and_body(seed, index, plan)
    language = plan[0]
    digest = hashlib.sha256(body.encode("utf-8"))
    return {
        # From the seed and ordinal alone, so that any slicing among workers gives the same.
        "public_id": uuid.UUID(
            bytes=hashlib.blake2b(f"article {seed} {index}".encode(), digest_size=16).digest(), version=4
        ),
        "title": title,
        "outlet_id": outlets[index % len(outlets)],
        "language": language,
        "body": body,
        "raw_text": body,
        # The bodies are built in normal form already: hash them as they are.
        "sha256": digest.hexdigest(),
        "url": f"https://load.invalid/{seed}/{index}",
        "published_on": dt.date(2010, 1, 1) + dt.timedelta(days=index % 5000),
    }


def _load_articles(seed, total, batch, outlets, report, progress, workers) -> list[int] | range:
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        ids = _copy_articles(seed, total, batch, outlets, report, progress, workers)
    else:
        ids = []
        for chunk in _batches(_article_rows(seed, 0, total, outlets), batch):
            with transaction.atomic():
                ids += [
                    row.pk for row in Article.objects.bulk_create([Article(**values) for values in chunk])
                ]
            report.articles = len(ids)
            progress("articles", len(ids), total)
    report.article_seconds = time.perf_counter() - started
    return ids


def _copy_articles(seed, total, batch, outlets, report, progress, workers) -> range:
    """PostgreSQL's COPY, with a block of ids reserved from the table's sequence first.

    Every column the model has is written: the loader's values, else the field's default (the
    row version, empty authors…), else now for the timestamps, else NULL.

    The stored ``search_vector`` is written with the row, built by ``_PoolVectors`` (to_tsvector
    of every body by the server was most of an article's cost); the loader's transactions set
    ``casetracker.search_vector_given`` so that the trigger of sources 0013 keeps it. Batches go
    to ``workers`` forked processes, each with its own connection; within a caller's transaction
    (tests) one connection, the caller's, which alone sees its uncommitted rows.
    """
    table = Article._meta.db_table
    fields = Article._meta.concrete_fields
    now = dt.datetime.now(dt.UTC)
    fixed = {}
    for field in fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif field.has_default() or not field.null:
            fixed[field.attname] = field.get_default()  # "" for text, the row version's 1…
        else:
            fixed[field.attname] = None
    columns = [field.attname for field in fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in [*columns, "search_vector"])
    statement = f"COPY {table} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + total - 1])
        # Bodies, raw texts and vectors make rows of 2-4 kB, which PostgreSQL compresses; lz4
        # (PostgreSQL 14 on, where built with it) does so at a fraction of pglz's cost, and
        # reads them back faster too. Only the loaded rows are compressed so.
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        lz4 = bool((cursor.fetchone() or [False])[0])
    ids = range(first, first + total)
    starts = list(range(0, total, batch))

    with connection.cursor() as cursor:
        vectors = _PoolVectors(cursor, seed)
        file_numbers = _FileNumberVectors(cursor, seed, total, [language for language, *_ in LANGUAGES])

    def copy_batch(start: int) -> int:
        stop = min(start + batch, total)
        plans = [(index, _article_plan(seed, index)) for index in range(start, stop)]
        with transaction.atomic(), connection.cursor() as cursor:
            # Each body's one sentence of its own, from its language's template.
            numbers = file_numbers.pieces(cursor, [(index, plan[0]) for index, plan in plans])
            # Only this transaction's inserts keep the vectors they give (sources 0013).
            cursor.execute("SELECT set_config('casetracker.search_vector_given', 'on', true)")
            if lz4:
                cursor.execute("SELECT set_config('default_toast_compression', 'lz4', true)")
            with cursor.connection.cursor().copy(statement) as copy:
                for (index, plan), number in zip(plans, numbers, strict=True):
                    record = {**fixed, **_article_row(seed, index, plan, outlets), "id": ids[index]}
                    copy.write_row([*(record[column] for column in columns), vectors.vector(plan, number)])
            cursor.execute("SELECT set_config('casetracker.search_vector_given', 'off', true)")
        return stop - start

    def counted(done: int) -> None:
        report.articles = done
        progress("articles", done, total)

    if workers <= 1 or connection.in_atomic_block or len(starts) == 1:
        done = 0
        for start in starts:
            done += copy_batch(start)
            counted(done)
        return ids
    _in_processes(copy_batch, starts, workers, counted)
    return ids


_WORK: Callable[[int], int] | None = None


def _work(item: int) -> int:
    return _WORK(item)


def _in_processes(
    work: Callable[[int], int], items: list[int], workers: int, counted: Callable[[int], None]
) -> None:
    """``work(item)`` for every item in ``workers`` forked processes, each with its own connection.

    Processes, not threads: building rows and vectors is Python, and threads would share one
    core under the GIL. ``work`` and what it reads (the pool and its vectors) are inherited by
    the fork, never pickled. This process's connection is closed first (a forked child must not
    talk on its parent's socket); each child opens its own, and Django opens this one again on
    next use. ``counted(total so far)`` is called here; the first error is raised here.
    """
    global _WORK
    connection.close()
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = 0
            for count in pool.imap_unordered(_work, items):
                done += count
                counted(done)
    finally:
        _WORK = None


def _partial(rng: random.Random, year: int) -> PartialDate:
    precision = rng.choice([Precision.YEAR, Precision.SEASON, Precision.MONTH, Precision.DAY])
    if precision == Precision.YEAR:
        return PartialDate(year)
    if precision == Precision.SEASON:
        return PartialDate(year, Precision.SEASON, month=rng.choice([3, 6, 9, 12]))
    if precision == Precision.MONTH:
        return PartialDate(year, Precision.MONTH, month=rng.randint(1, 12))
    return PartialDate(year, Precision.DAY, month=rng.randint(1, 12), day=rng.randint(1, 28))


def _columns(name: str, value: PartialDate) -> dict:
    return {
        f"{name}_start": value.start,
        f"{name}_end": value.end,
        f"{name}_precision": value.precision,
        f"{name}_approximate": value.approximate,
    }


def _load_cases(rng, seed, total, batch, organizations, article_ids, report, progress) -> None:
    numbers: dict[int, int] = {}
    for start in range(0, total, batch):
        count = min(batch, total - start)
        with transaction.atomic():
            people, aliases, case_rows = [], [], []
            for _ in range(count):
                latin, cyrillic, hangul = _name(rng)
                people.append(Individual(public_id=_uuid(rng), pseudonym=latin, nationality="KP"))
                aliases.append((cyrillic, hangul))
            people = Individual.objects.bulk_create(people)
            Alias.objects.bulk_create(
                [
                    Alias(public_id=_uuid(rng), individual=person, name=name, script=script)
                    for person, (cyrillic, hangul) in zip(people, aliases, strict=True)
                    for name, script in ((cyrillic, Alias.Script.CYRILLIC), (hangul, Alias.Script.HANGUL))
                ]
            )
            for person in people:
                # References from 1990 on: the seed fixture's (2013, 2014) stay free of collisions
                # only if numbers start high there, so every year's numbering starts at 5000.
                year = 1990 + rng.randint(0, 35)
                numbers[year] = numbers.get(year, 4999) + 1
                case_rows.append(
                    Case(
                        public_id=_uuid(rng),
                        reference=f"CT-{year}-{numbers[year]:04d}",
                        title=f"{person.pseudonym}: asylum",
                        organization_id=rng.choice(organizations["ngos"]),
                        opened_on=dt.date(year, 1, 1),
                        priority=rng.choice(Case.Priority.values),
                        status=Case.Status.OPEN,
                    )
                )
            case_rows = Case.objects.bulk_create(case_rows)
            Case.subjects.through.objects.bulk_create(
                [
                    Case.subjects.through(case_id=case.pk, individual_id=person.pk)
                    for case, person in zip(case_rows, people, strict=True)
                ]
            )
            proceedings, facts, quotes = [], [], []
            for case, person in zip(case_rows, people, strict=True):
                year = case.opened_on.year
                for _ in range(PROCEEDINGS_PER_CASE):
                    filed = _partial(rng, year)
                    proceedings.append(
                        Proceeding(
                            public_id=_uuid(rng),
                            case=case,
                            subject=person,
                            kind=rng.choice(Proceeding.Kind.values),
                            authority_id=rng.choice(organizations["authorities"]),
                            country="RU",
                            **_columns("filed", filed),
                            **_columns("decided", PartialDate(year + 1)),
                        )
                    )
                for _ in range(FACTS_PER_CASE):
                    index = rng.randrange(len(article_ids))
                    _title, _language, body, spans = article_text(seed, index)
                    start, end = rng.choice(spans)
                    facts.append(
                        Fact(
                            public_id=_uuid(rng),
                            case=case,
                            statement=body[start:end],
                            **_columns("date", _partial(rng, year)),
                        )
                    )
                    quotes.append((article_ids[index], body[start:end], start))
            Proceeding.objects.bulk_create(proceedings)
            facts = Fact.objects.bulk_create(facts)
            Citation.objects.bulk_create(
                [
                    Citation(
                        public_id=_uuid(rng),
                        article_id=article_id,
                        quote=quote,
                        start=start,
                        end=start + len(quote),
                        fact=fact,
                    )
                    for fact, (article_id, quote, start) in zip(facts, quotes, strict=True)
                ]
            )
        report.cases += count
        report.individuals += count
        report.proceedings += count * PROCEEDINGS_PER_CASE
        report.facts += count * FACTS_PER_CASE
        report.citations += count * FACTS_PER_CASE
        progress("cases", report.cases, total)


def _check_sample(seed: int, article_ids: list[int] | range, size: int = 500) -> None:
    """Hold a few of the loaded records to the models' own rules (full_clean).

    On PostgreSQL, also ``size`` of the loaded articles, spread over the load, whose stored
    search vector must be exactly what the function of sources 0005 computes from the row.
    """
    for model in (Article, Case, Fact, Proceeding, Citation, Individual):
        for record in model.objects.order_by("-pk")[:3]:
            record.full_clean(validate_unique=False)
    for record in Article.objects.filter(url__startswith=f"https://load.invalid/{seed}/").order_by("-pk")[:3]:
        assert normalize_body(record.body) == record.body, "a loaded body is not in normal form"
    if connection.vendor != "postgresql" or not article_ids:
        return
    step = max(1, len(article_ids) // size)
    sample = list(article_ids[::step])
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id FROM sources_article
            WHERE id = ANY(%s)
              AND search_vector IS DISTINCT FROM sources_article_search_vector(language, title, body)
            ORDER BY id
            """,
            [sample],
        )
        wrong = [row[0] for row in cursor.fetchall()]
    if wrong:
        raise AssertionError(
            f"seed_load stored search vectors that are not the function's: articles {wrong[:20]}"
        )
