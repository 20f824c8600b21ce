"""What sealing costs: the same writes with and without the audit chains (apps.core.custody).

Not a test: a measurement to run by hand when the chains change.

    .venv/bin/python benchmarks/audit_chain.py [--writes 300] [--database-url URL]

It builds a scratch database (a temporary SQLite file unless --database-url names another
scratch database, which it will fill) and, each write in its own transaction as the services
do, times: an access-log entry (``access_log_record``), a record change that writes a history
row (``record_update`` of an organization's name), each with the chain and with the chain's
receivers disconnected, and a raw SQL INSERT of a log row as the floor. Then the time of
``audit_verify`` over what was written. Prints the median per write and the ratios.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=300, help="writes per row of the table (bounded load)")
    parser.add_argument("--database-url", help="a scratch database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="audit-benchmark-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch.name}/benchmark.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # test keys, fast hashers
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models.signals import post_save

    from apps.access.models import AccessLog
    from apps.access.services import access_log_record
    from apps.core import custody
    from apps.core.services import record_update
    from apps.people.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create(username="benchmark")
    organization = Organization.objects.create(name="Benchmark organization", kind=Organization.Kind.choices[0][0])

    def log_entry(n):
        with transaction.atomic():
            access_log_record(user=user, action=AccessLog.Action.EXPORT, obj=organization, detail={"n": n})

    def history_row(n):
        with transaction.atomic():
            record = Organization.objects.get(pk=organization.pk)
            record_update(record=record, fields=["name"], data={"name": f"Benchmark organization {n}"})

    def raw_insert(n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {AccessLog._meta.db_table} (at, username, action, object_type, object_id, "
                "object_repr, detail) VALUES (CURRENT_TIMESTAMP, %s, 'export', '', '', '', '{}')",
                ["raw"],
            )

    def unchained(model):
        return post_save.disconnect(sender=model, dispatch_uid=f"custody-seal-{custody.chain_name(model)}")

    def chained(model):
        custody.chain_register(model)

    history_model = Organization.history.model
    # Interleaved, write by write, so that both sides see the same load on a shared machine.
    keys = ("chained_log", "plain_log", "chained_history", "plain_history", "floor")
    times, cpu = {key: [] for key in keys}, {key: [] for key in keys}
    for n in range(args.writes + 20):
        for key, write, sealed_on in (
            ("chained_log", log_entry, True), ("plain_log", log_entry, False),
            ("chained_history", history_row, True), ("plain_history", history_row, False),
            ("floor", raw_insert, False),
        ):
            for model in (AccessLog, history_model):
                (chained if sealed_on else unchained)(model)
            started, started_cpu = time.perf_counter(), time.process_time()
            write(f"{key} {n}")
            if n >= 20:  # the first ones warm the connection and the caches
                times[key].append(time.perf_counter() - started)
                cpu[key].append(time.process_time() - started_cpu)
    for model in (AccessLog, history_model):
        chained(model)
    median = {key: statistics.median(values) * 1e6 for key, values in times.items()}
    median_cpu = {key: statistics.median(values) * 1e6 for key, values in cpu.items()}
    rows = [
        ("access-log entry (access_log_record)", "chained_log", "plain_log"),
        ("history row (record_update of a name)", "chained_history", "plain_history"),
    ]

    sealed = custody.audit_verify(chains=[custody.chain_name(AccessLog), custody.chain_name(history_model)])
    started = time.perf_counter()
    custody.audit_verify(chains=[custody.chain_name(history_model)])
    verify_seconds = time.perf_counter() - started  # (the unchained rows are reported unsealed)
    links = sum(report.links for report in sealed)

    print(f"database: {connection.vendor}, {args.writes} writes per row, median per write, each its own transaction")
    # Wall time suffers from a shared machine's scheduling; this process's CPU time (SQLite runs
    # in it; PostgreSQL's server time is not counted) is the steadier figure.
    print(f"{'write':42} {'chained µs':>11} {'unchained µs':>13} {'ratio':>6} {'CPU chained':>12} {'CPU unchained':>14} {'ratio':>6}")
    for label, with_chain, without in rows:
        print(
            f"{label:42} {median[with_chain]:11.0f} {median[without]:13.0f} {median[with_chain] / median[without]:6.2f} "
            f"{median_cpu[with_chain]:12.0f} {median_cpu[without]:14.0f} {median_cpu[with_chain] / median_cpu[without]:6.2f}"
        )
    print(f"{'raw SQL INSERT of a log row (floor)':42} {'':>11} {median['floor']:13.0f} {'':>6} {'':>12} {median_cpu['floor']:14.0f}")
    history_links = next(report.links for report in sealed if report.chain == custody.chain_name(history_model))
    print(f"audit_verify of the history chain: {history_links} links in {verify_seconds * 1000:.0f} ms "
          f"({links} links written in all)")
    scratch.cleanup()


if __name__ == "__main__":
    main()
