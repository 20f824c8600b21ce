"""Peak memory of a CSV export of an API list, for N rows, next to a raw csv baseline.

Not a test: a measurement, printed as a table (recorded in docs/performance.md by hand).

    .venv/bin/python benchmarks/export.py [--database-url postgres://postgres@127.0.0.1:5432/ct_export_bench]
        [--rows 1000 10000 100000]

It (re)creates the scratch PostgreSQL database named, migrates it, and for each N fills the
organizations table to N rows (bulk inserts: seeding, not the services). It then measures, in
this process with Django's test client and a superuser, ``GET /api/v1/organizations/?format=csv``
consumed chunk by chunk (the file is counted, never kept), and the limit: the same rows through
psycopg with a server-side cursor into ``csv.writer``. Python's peak allocations during each
(tracemalloc) and the time are printed with the ratios. If the export held the whole list, its
peak would grow with N; streamed, it stays about flat. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/ct_export_bench"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert name.startswith("ct_export"), "benchmarks/export.py only recreates databases named ct_export*"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.benchmark_settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(total: int) -> None:
    from apps.people.models import Organization

    have = Organization.objects.count()
    batch = [Organization(name=f"Organization {n:07d}", kind="ngo", country="RU") for n in range(have, total)]
    Organization.objects.bulk_create(batch, batch_size=2000)


class Counter:
    def __init__(self):
        self.bytes = 0

    def write(self, text: str) -> None:
        self.bytes += len(text.encode())


def measure(work) -> tuple[int, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    size = work()
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, elapsed, size


def project_export(client) -> int:
    response = client.get("/api/v1/organizations/?format=csv")
    assert response.status_code == 200, response.status_code
    return sum(len(chunk) for chunk in response.streaming_content)


def raw_export(url: str) -> int:
    import psycopg

    sink = Counter()
    writer = csv.writer(sink)
    with psycopg.connect(url) as connection, connection.cursor(name="export") as cursor:
        cursor.itersize = 500
        cursor.execute(
            "SELECT public_id, name, short_name, kind, country, website, notes, created_at, updated_at, version "
            "FROM people_organization ORDER BY name"
        )
        for row in cursor:
            writer.writerow(row)
    return sink.bytes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    recreate_database(args.database_url)
    setup_django(args.database_url)

    from django.test import Client

    from apps.people.models import Organization
    from tests.factories import SuperuserFactory

    # Not a staff account: the API needs no second factor, and this one never signs in to the admin.
    user = SuperuserFactory(is_staff=False)
    client = Client()
    client.force_login(user)
    print(
        f"# {platform.node()} {platform.machine()} Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    print("| rows | export peak MiB | raw peak MiB | ratio | export s | raw s | ratio | CSV MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for total in sorted(args.rows):
        fill(total)
        assert Organization.objects.count() == total
        project_export(client)  # warm the per-process caches
        peak, seconds, size = measure(lambda: project_export(client))
        raw_peak, raw_seconds, _raw_size = measure(lambda: raw_export(args.database_url))
        print(
            f"| {total:,} | {peak / 2**20:.1f} | {raw_peak / 2**20:.1f} | {peak / raw_peak:.1f} | "
            f"{seconds:.2f} | {raw_seconds:.2f} | {seconds / raw_seconds:.1f} | {size / 2**20:.1f} |"
        )


if __name__ == "__main__":
    main()
