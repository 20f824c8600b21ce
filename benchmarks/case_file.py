"""What the case file page of a 200-fact case costs a caseworker, next to the SQL it runs.

Not a test: a measurement, printed as a table (recorded in docs/performance.md by hand).

    .venv/bin/python benchmarks/case_file.py --database-url postgres://postgres@127.0.0.1:5432/ct_casefile \\
        [--facts 200] [--requests 40]

1. Makes the database named afresh (a scratch one: dropped and created again, so its name
   must start with ``ct_``), migrates it and builds, with the
   test factories, a case of ``--facts`` facts (each with a quote of its own article, a tenth
   of them disputed in pairs), four proceedings in an appeal chain with events, and a
   caseworker of its organization.
2. Opens the case file as that caseworker in-process (Django's test client: the admin's whole
   request, session and permission lookups included, no HTTP) ``--requests`` times, after one
   warm-up, and then runs the same SQL the page ran, through psycopg with the rows out as
   orjson, as many times: the limit.
3. Prints p50/p95 for both, wall time and this process's CPU time (on a shared, loaded machine
   the CPU time is the figure that compares), the queries per page and the page's size.

Bounded: one case, at most ``--requests`` page loads; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.benchmark_settings"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def build_case(facts: int):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from apps.cases.services import fact_update
    from tests.factories import (
        ArticleFactory,
        CaseFactory,
        CitationFactory,
        FactFactory,
        MembershipFactory,
        ProceedingEventFactory,
        ProceedingFactory,
        UserFactory,
    )

    call_command("migrate", verbosity=0, interactive=False)
    case = CaseFactory()
    user = UserFactory()
    user.groups.set(Group.objects.filter(name="caseworker"))
    MembershipFactory(user=user, organization=case.organization)
    case.caseworkers.add(user)
    made = [FactFactory(case=case, citation__article=ArticleFactory()) for _ in range(facts)]
    for fact, other in zip(made[: facts // 10 : 2], made[1 : facts // 10 : 2], strict=False):
        fact_update(fact=fact, contradicts=[other])
    previous = None
    for kind in ("refugee_status_application", "appeal", "appeal", "court_case"):
        previous = ProceedingFactory(case=case, kind=kind, appeal_of=previous if kind != "refugee_status_application" else None)
        ProceedingEventFactory(proceeding=previous)
        CitationFactory(fact=None, proceeding=previous)
    return case, user


def scratch(database_url: str) -> None:
    """Drop and create the benchmark's own database (never one not named ct_…)."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("ct_"):
        raise SystemExit("The benchmark makes its database afresh: give one named ct_… .")
    server = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--facts", type=int, default=200)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    if "127.0.0.1" not in args.database_url and "localhost" not in args.database_url:
        raise SystemExit("Only a database on 127.0.0.1.")
    scratch(args.database_url)
    setup_django(args.database_url)

    import orjson
    import psycopg
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    case, user = build_case(args.facts)
    client = Client()
    client.force_login(user)
    # The admin wants the second factor of staff who see identities (apps/access/two_factor.py).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.access.two_factor import totp_device_enrol

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device_enrol(user=user)[0]
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = reverse("admin:cases_case_change", args=[case.pk])
    client.get(url)  # warm the per-process caches, as a running server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    plan = [query["sql"] for query in queries.captured_queries]

    project, project_cpu = [], []
    for _ in range(args.requests):
        started, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        project.append((time.perf_counter() - started) * 1000)
        project_cpu.append((time.process_time() - cpu) * 1000)

    limit, limit_cpu = [], []
    with psycopg.connect(args.database_url.replace("postgres://", "postgresql://", 1)) as raw:
        for _ in range(args.requests):
            started, cpu = time.perf_counter(), time.process_time()
            with raw.cursor() as cursor:
                for sql in plan:
                    cursor.execute(sql.replace("%", "%%"))
                    if cursor.description is not None:
                        orjson.dumps(cursor.fetchall(), default=str)
            limit.append((time.perf_counter() - started) * 1000)
            limit_cpu.append((time.process_time() - cpu) * 1000)

    print(f"# case file, {args.facts} facts; {platform.node()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"queries per page: {len(plan)}; page size: {len(response.content) / 1024:.0f} KiB")
    print(f"load average: {os.getloadavg()[0]:.1f} (CPU ms are this process's own time, wall ms include waiting)")
    print("| | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---:|---:|---:|---:|")
    for label, wall, cpu in (
        ("case file page", project, project_cpu),
        ("limit (its SQL, psycopg + orjson)", limit, limit_cpu),
    ):
        print(f"| {label} | {statistics.median(wall):.1f} | {percentile(wall, 0.95):.1f} "
              f"| {statistics.median(cpu):.1f} | {percentile(cpu, 0.95):.1f} |")
    print(f"ratio (limit p50 / page p50): {statistics.median(limit) / statistics.median(project):.2f}")


if __name__ == "__main__":
    main()
