"""Dossier renders off the request path: list latency while 10 dossier jobs run in the worker.

Not a test: a measurement, printed as a table (recorded in docs/performance.md by hand).

    .venv/bin/python benchmarks/jobs.py [--database-url postgres://postgres@127.0.0.1:5432/ct_jobs_bench]
        [--requests 200] [--facts 200] [--existing]

It (re)creates the scratch PostgreSQL database named, loads the seed data and a synthetic case of
``--facts`` facts (the builder of benchmarks/dossier_benchmark.py) — or, with ``--existing``,
uses the database named as it is (one of 100,000 cases made by ``seed_load``, say) and adds the
large case to it once — then starts on 127.0.0.1 gunicorn (3 workers, port 18300) and one
Celery worker process, both with REDIS_URL on Redis database 14 (emptied before and after). It
measures ``GET /api/v1/cases/`` (p50/p95/p99) with nothing else running, then again while 10
dossier jobs are being rendered (PDF, DOCX and ZIP at each level of the large case, and Kim's
PDF, or another case's with ``--existing``), and prints both with the time the jobs took. The
load is bounded: ``--requests`` quiet, at most 1000 while the jobs run, 2 clients, 300 s at most.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 18300
REDIS = "redis://127.0.0.1:6379/14"
LIST = "/api/v1/cases/"
SYNTHETIC_REFERENCE = "CT-2024-9999"  # the large case benchmarks/dossier_benchmark.py builds


def environment(database_url: str, files: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS,
        JOBS_FILES_ROOT=files,
        DEBUG="0",
        SECRET_KEY="benchmark-only-not-a-secret-" + "x" * 30,
        SALT_KEY="benchmark-only-salt",
        # Production refuses to start without these keys; throwaway ones for a scratch database.
        AUDIT_KEY="benchmark-only-audit-key",
        DOCUMENTS_KEY="benchmark-only-documents-key",
        BUNDLE_SIGNING_KEY="dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        API_THROTTLE_RATE="1000000/hour",
        PYTHONPATH=str(ROOT),
    )
    return env


def request(method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict | None, float]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    parsed = (
        json.loads(data)
        if response.getheader("Content-Type", "").startswith("application/") and data[:1] == b"{"
        else None
    )
    return response.status, parsed, elapsed


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return ordered[len(ordered) // 2] * 1000, cut[94] * 1000, cut[98] * 1000


def measure_list(token: str, count: int, deadline: float, keep_going=lambda: True) -> list[float]:
    samples: list[float] = []

    def client(_index: int) -> None:
        while len(samples) < count and time.monotonic() < deadline and keep_going():
            status, _body, elapsed = request("GET", LIST, token)
            if status != 200:
                raise SystemExit(f"{LIST} answered {status}")
            samples.append(elapsed)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(client, range(2)))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ct_jobs_bench")
    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        help="list requests of the quiet phase (at most 1000); the busy phase lasts as long as the jobs",
    )
    parser.add_argument("--facts", type=int, default=200)
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use the database named as it is (e.g. one made by seed_load) instead of a new one "
        "with the seed data: the large case is added to it once, the tenth job renders another case",
    )
    args = parser.parse_args()
    count = min(args.requests, 1000)

    import psycopg
    import redis

    base, _, name = args.database_url.rpartition("/")
    if not args.existing:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()
    files = f"/tmp/casetracker-jobs-bench-{os.getpid()}"
    env = environment(args.database_url, files)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "casetracker.settings"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apps.cases.models import Case
    from apps.tokens.services import api_token_create
    from benchmarks.dossier_benchmark import build_synthetic_case
    from tests.factories import SuperuserFactory

    call_command("migrate", verbosity=0, interactive=False)
    if args.existing:
        large = Case.objects.filter(reference=SYNTHETIC_REFERENCE).first() or build_synthetic_case(
            facts=args.facts, sources=args.facts // 2
        )
        small = Case.objects.exclude(pk=large.pk).order_by("pk").first().reference
        user = get_user_model().objects.filter(username="bench").first() or SuperuserFactory(username="bench")
    else:
        call_command("loaddata", "seed", verbosity=0)
        large = build_synthetic_case(facts=args.facts, sources=args.facts // 2)
        small = "CT-2013-0001"  # Kim's case, from the seed data
        user = SuperuserFactory(username="bench")
    _token_record, token = api_token_create(user=user, name="bench", scope="write")

    log = open(f"{files}.log", "w")  # the servers' errors, if any: printed when they fail to start
    servers = [
        subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": "3"},
            stdout=subprocess.DEVNULL,
            stderr=log,
        ),
        subprocess.Popen(
            [
                # Renders are background work: the worker yields the CPU to the web processes
                # (a deployment gives it cores or a host of its own).
                *(["nice", "-n", "10"] if shutil.which("nice") else []),
                PYTHON,
                "-m",
                "celery",
                "-A",
                "casetracker",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request("GET", LIST, token)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log.flush()
                raise SystemExit("gunicorn did not start:\n" + Path(f"{files}.log").read_text()[-3000:])
            time.sleep(0.3)
        measure_list(token, 20, time.monotonic() + 30)  # warm every worker
        quiet = measure_list(token, count, time.monotonic() + 120)

        jobs, started = [], time.monotonic()
        asks = [
            (large.reference, f, lvl) for f in ("pdf", "docx", "zip") for lvl in ("full", "legal", "public")
        ]
        asks.append((small, "pdf", "public"))
        post_times = []
        for reference, format, level in asks:
            status, body, elapsed = request(
                "POST", f"/api/v1/cases/{reference}/dossiers/", token, {"format": format, "level": level}
            )
            if status != 202:
                raise SystemExit(f"POST dossiers answered {status}: {body}")
            jobs.append(body["url"])
            post_times.append(elapsed)

        pending = {"jobs": True}

        def watch() -> None:
            # Whether any job is still queued or running, checked every second on its own connection.
            try:
                while time.monotonic() - started < 600:
                    if not any(
                        request("GET", url, token)[1]["state"] in ("queued", "running") for url in jobs
                    ):
                        break
                    time.sleep(1)
            except OSError:
                pass  # the servers were stopped
            pending["jobs"] = False

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        # The list, measured for as long as the jobs run (at most 1000 requests, 300 s).
        busy = measure_list(token, 1000, time.monotonic() + 300, keep_going=lambda: pending["jobs"])
        took = time.monotonic() - started
        states = [request("GET", url, token)[1]["state"] for url in jobs]
        report(args.facts, quiet, busy, post_times, took, states)
    finally:
        for process in servers:
            process.terminate()
        for process in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()  # a worker in the middle of a render
                process.wait()
        broker.flushdb()
        subprocess.run(["rm", "-rf", files], check=False)


def report(facts, quiet, busy, post_times, took, states) -> None:
    print(
        f"# benchmarks/jobs.py — {dt.date.today()} — {platform.node() and 'this machine'}, {os.cpu_count()} cores"
    )
    print(
        f"# case of {facts} facts; gunicorn 3 sync workers + 1 Celery worker process (nice 10); Redis db 14; PostgreSQL"
    )
    print(f"{'GET /api/v1/cases/':34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, samples in (("nothing else running", quiet), ("while 10 dossier jobs run", busy)):
        p50, p95, p99 = percentiles(samples)
        print(f"{label:34} {len(samples):5} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
    print(
        f"POST …/dossiers/ (10 jobs): max {max(post_times) * 1000:.1f} ms; measured for {took:.1f} s; states then: "
        + ", ".join(f"{s} {states.count(s)}" for s in sorted(set(states)))
    )


if __name__ == "__main__":
    main()
