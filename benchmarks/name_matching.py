"""Precision and recall of the name matcher on spellings from published transliteration tables.

    .venv/bin/python benchmarks/name_matching.py [--threshold 0.8] [--errors]

The labelled set is benchmarks/data/name_spellings.csv: each row one spelling of one person's
name by one scheme (Hangul, RR, MR with and without diacritics, Kontsevich, customary Latin;
Cyrillic, passport, BGN/PCGN, ISO 9, GOST 7.79 B), written from the tables, not from the
matcher. Every two spellings of one person are a positive pair; every two spellings of
different people a negative pair (all of them, so same-surname pairs such as Kim Jong-il /
Kim Jong-un are in). A pair is predicted "same" when apps.people.matching.compare_names finds
a shared form and scores it at or above the threshold — what the duplicate finder offers
before birth year and nationality are weighed. Pure string work: no database.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apps.people.matching import THRESHOLD, compare_names  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "name_spellings.csv"
TARGET_PRECISION, TARGET_RECALL = 0.95, 0.9


@dataclass
class Result:
    positives: int
    negatives: int
    true_positives: int
    false_positives: int
    false_negatives: list[tuple[str, str]]
    false_matches: list[tuple[str, str]]

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 0.0


def spellings(path: Path = DATA) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(row["entity"], row["scheme"], row["spelling"]) for row in rows]


def run(*, threshold: float = THRESHOLD, path: Path = DATA) -> Result:
    rows = spellings(path)
    result = Result(0, 0, 0, 0, [], [])
    for (entity_a, _sa, a), (entity_b, _sb, b) in itertools.combinations(rows, 2):
        match = compare_names(a, b)
        same = match is not None and match.score >= threshold
        if entity_a == entity_b:
            result.positives += 1
            if same:
                result.true_positives += 1
            else:
                result.false_negatives.append((a, b))
        else:
            result.negatives += 1
            if same:
                result.false_positives += 1
                result.false_matches.append((a, b))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list the pairs the matcher gets wrong")
    args = parser.parse_args()
    result = run(threshold=args.threshold)
    print(
        f"spellings: {len(spellings())}  positive pairs: {result.positives}  negative pairs: {result.negatives}"
    )
    print(f"threshold: {args.threshold}")
    print(
        f"true positives: {result.true_positives}  false positives: {result.false_positives}  "
        f"false negatives: {len(result.false_negatives)}"
    )
    print(f"precision: {result.precision:.4f} (target ≥ {TARGET_PRECISION})")
    print(f"recall:    {result.recall:.4f} (target ≥ {TARGET_RECALL})")
    if args.errors:
        for a, b in result.false_negatives:
            print(f"  missed: {a} / {b}")
        for a, b in result.false_matches:
            print(f"  wrong:  {a} / {b}")
    return 0 if result.precision >= TARGET_PRECISION and result.recall >= TARGET_RECALL else 1


if __name__ == "__main__":
    raise SystemExit(main())
