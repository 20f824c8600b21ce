"""How long a dossier takes to generate, per format: Kim's case and a large synthetic case.

Not a test: a measurement to run by hand when the renderers change.

    .venv/bin/python benchmarks/dossier_benchmark.py [--repeat 3] [--database-url URL]

It builds a scratch database (a temporary SQLite file unless --database-url names another
scratch database, which it will fill), loads fixtures/seed.json for Kim's case, builds a
synthetic case of 200 facts quoting 100 sources with the test factories, and prints the
median time of content + rendering per format.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("html", "json", "pdf", "docx", "zip")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per format; the median is shown")
    parser.add_argument(
        "--database-url", help="a scratch database to fill (default: a temporary SQLite file)"
    )
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="dossier-benchmark-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch.name}/benchmark.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # test keys, fast hashers
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", str(ROOT / "fixtures" / "seed.json"), verbosity=0)

    from apps.cases.models import Case

    kim = Case.objects.get(reference="CT-2013-0001")
    synthetic = build_synthetic_case(facts=200, sources=100)

    rows = []
    for label, case in (("Kim (seed)", kim), ("synthetic 200 facts / 100 sources", synthetic)):
        for format in FORMATS:
            rows.append((label, format, *measure(case, format, args.repeat)))
    print_table(rows, repeat=args.repeat)
    scratch.cleanup()


def build_synthetic_case(*, facts: int, sources: int):
    """A case as large as a busy one gets: every fact quotes one or two of the sources."""
    from apps.core.partial_dates import PartialDate
    from apps.people.services import protected_identity_set
    from tests.factories import (
        AgreementFactory,
        ArticleFactory,
        CaseFactory,
        CitationFactory,
        FactFactory,
        ProceedingFactory,
        ProvisionFactory,
    )

    paragraph = (
        "The Federal Migration Service said on {n} that the applicant was not a refugee as defined by law. "
        "Rights groups said deportation would put him in danger. Переговоры продолжаются. 협정 서명. "
    )
    case = CaseFactory(reference="CT-2024-9999", title="Synthetic benchmark case")
    protected_identity_set(individual=case.subjects.get(), legal_name="Benchmark Person", phone="+7 000")
    articles = [
        ArticleFactory(
            body=" ".join(paragraph.format(n=f"day {i}-{k}") for k in range(20)), authors=f"Author {i}"
        )
        for i in range(sources)
    ]
    made = []
    for i in range(facts):
        fact = FactFactory(case=case, statement=f"Event number {i} in the life of the case, as reported.")
        fact.date = PartialDate(2000 + i % 20, "month", 1 + i % 12)
        fact.disputed = i % 25 == 0
        fact.internal = i % 40 == 0
        fact.save()
        for article in (articles[i % sources], articles[(i * 7 + 3) % sources])[: 1 + i % 2]:
            start = (i % 20) * len(paragraph.format(n="day 00-0"))
            quote = article.body[start : start + 60].strip()
            offset = article.body.index(quote)
            CitationFactory(article=article, fact=fact, quote=quote, start=offset, end=offset + len(quote))
        made.append(fact)
    for i in range(0, facts - 1, 25):
        made[i].contradicts.add(made[i + 1])
    agreement = AgreementFactory()
    provisions = [ProvisionFactory(agreement=agreement, number=f"Art. {n}") for n in range(1, 6)]
    previous = None
    for i in range(10):
        proceeding = ProceedingFactory(case=case, appeal_of=previous if i % 2 else None)
        proceeding.provisions.set(provisions[i % 5 : i % 5 + 1])
        proceeding.agreements.add(agreement)
        CitationFactory(article=articles[i], fact=None, proceeding=proceeding)
        previous = proceeding
    return case


def measure(case, format: str, repeat: int) -> tuple[float, float, int]:
    """(median wall seconds, median CPU seconds of this process, size in bytes) of one format."""
    from apps.dossiers.services import dossier_generate

    times, cpu, size = [], [], 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        data, _filename, _content_type = dossier_generate(case=case, format=format, level="full", user=None)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        size = len(data)
    return statistics.median(times), statistics.median(cpu), size


def print_table(rows, *, repeat: int) -> None:
    header = ("case", "format", "wall s", "cpu s", "size")
    lines = [
        (label, format, f"{wall:.3f}", f"{cpu:.3f}", f"{size / 1024:.0f} KiB")
        for label, format, wall, cpu, size in rows
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    print(f"Dossier generation, level full, median of {repeat} run(s) per format")
    print("(cpu s is this process only: pandoc, which writes the DOCX, runs in its own)")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print(
            "  ".join(
                str(v).ljust(w) if i < 2 else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            )
        )


if __name__ == "__main__":
    main()
