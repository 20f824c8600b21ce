"""One web process, then two, on the same PostgreSQL and Redis: does throughput grow?

Not a test: a measurement, bounded in requests and time, on 127.0.0.1 only (docs/performance.md).

    .venv/bin/python benchmarks/scale_out.py [--writers 10] [--edits 10] [--reads 400]

As an operator scales out with docker compose (`docker compose up --scale web=2` behind the
proxy), each web process here is a separate gunicorn master with one sync worker
(WEB_CONCURRENCY=1), on its own port (18210, 18211), sharing one scratch PostgreSQL database (made
and dropped here) and Redis database 13 (REDIS_URL: cache, sessions, throttles, emptied first).
The load generator — this process — is pinned to core 1 (the servers and PostgreSQL are not), and
spreads its clients over the processes round-robin, as a proxy would.

For each setup:
1. the concurrency benchmark of benchmarks/concurrency.py: N writers × M edits on Kim's case,
   half the title and half the summary in each round, If-Match with 412 retries; no 5xx and no
   lost update allowed; writes per second;
   A field-round that got no 200 before the deadline is "unfinished", not lost.
2. reads: a fixed number of GETs of the case list and the case detail from 8 client threads;
   requests per second, p50 and p95.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from benchmarks.concurrency import (
    CASE,
    MAX_RETRIES,
    POSTGRES,
    PYTHON,
    ROOT,
    environment,
    postgres_scratch,
    prepare,
    request,
)

PORTS = (18210, 18211)
REDIS = "redis://127.0.0.1:6379/13"
DEADLINE_SECONDS = 180  # per phase: the load stops here whatever is left
READ_THREADS = 8


def start(env: dict, port: int) -> subprocess.Popen:
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "REDIS_URL": REDIS}
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "casetracker.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn on {port} did not start")


def writes(bases: list[str], token: str, writers: int, edits: int) -> dict:
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(writers + 1)
    deadline = time.monotonic() + DEADLINE_SECONDS

    written: set[tuple[int, str]] = set()  # (round, field) that got a 200

    def edit(base: str, field: str, value: str, round_: int) -> None:
        url = f"{base}/api/v1/cases/{CASE}/"
        for _ in range(MAX_RETRIES):
            _status, headers, _body = request("GET", url, token)
            status, _headers, _body = request(
                "PATCH", url, token, {field: value}, {"If-Match": headers.get("ETag", "")}
            )
            with lock:
                statuses[status] += 1
                if status == 200:
                    written.add((round_, field))
            if status != 412 or time.monotonic() > deadline:
                return

    def writer(index: int) -> None:
        base = bases[index % len(bases)]
        field = "title" if index % 2 == 0 else "summary"
        for round_ in range(edits):
            barrier.wait()
            if time.monotonic() < deadline:
                edit(base, field, f"r{round_} w{index}", round_)
            barrier.wait()

    threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    lost = unfinished = 0
    started = time.perf_counter()
    for round_ in range(edits):
        barrier.wait()
        barrier.wait()
        status, _headers, body = request("GET", f"{bases[0]}/api/v1/cases/{CASE}/", token)
        case = json.loads(body) if status == 200 else {}
        # Lost: a round where the field was written (a 200) but holds no value of that round.
        lost += sum(
            (round_, field) in written and not str(case.get(field, "")).startswith(f"r{round_} ")
            for field in ("title", "summary")
        )
        unfinished += sum((round_, field) not in written for field in ("title", "summary"))
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=5)
    patches = sum(statuses.values())
    return {
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "lost": lost,
        "unfinished": unfinished,
        "seconds": elapsed,
        # Each PATCH is preceded by its GET: two requests per attempt.
        "req_per_s": 2 * patches / elapsed,
    }


def reads(bases: list[str], token: str, count: int) -> dict:
    paths = [f"/api/v1/cases/{CASE}/", "/api/v1/cases/"]
    deadline = time.monotonic() + DEADLINE_SECONDS
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def one(index: int) -> None:
        if time.monotonic() > deadline:
            return
        url = bases[index % len(bases)] + paths[(index // len(bases)) % len(paths)]
        started = time.perf_counter()
        status, _headers, _body = request("GET", url, token)
        spent = time.perf_counter() - started
        with lock:
            statuses[status] += 1
            latencies.append(spent)

    started = time.perf_counter()
    with ThreadPoolExecutor(READ_THREADS) as pool:
        list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    return {
        "statuses": dict(sorted(statuses.items())),
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10, help="concurrent writers (even; at most 20)")
    parser.add_argument("--edits", type=int, default=10, help="edits per writer (at most 30)")
    parser.add_argument("--reads", type=int, default=400, help="GETs per setup (at most 2000)")
    args = parser.parse_args()
    writers, edits, count = min(args.writers, 20), min(args.edits, 30), min(args.reads, 2000)

    import redis

    name = f"casetracker_scale_{os.getpid()}"
    postgres_scratch(name, "create")
    results = []
    try:
        env = environment(f"{POSTGRES}/{name}")
        token = prepare(env)
        for processes in (1, 2):
            redis.Redis.from_url(REDIS).flushdb()  # our own database number only
            servers = [start(env, port) for port in PORTS[:processes]]
            # Servers started unpinned; from here this process (the clients) keeps to core 1.
            if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
                os.sched_setaffinity(0, {1})
            try:
                bases = [f"http://127.0.0.1:{port}" for port in PORTS[:processes]]
                for base in bases:  # warm each process once
                    request("GET", f"{base}/api/v1/cases/", token)
                results.append((processes, writes(bases, token, writers, edits), reads(bases, token, count)))
            finally:
                for server in servers:
                    server.terminate()
                for server in servers:
                    server.wait(timeout=15)
                if hasattr(os, "sched_setaffinity"):
                    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    finally:
        postgres_scratch(name, "drop")
        redis.Redis.from_url(REDIS).flushdb()

    print(
        f"{writers} writers × {edits} edits, then {count} reads (8 threads); {time.strftime('%Y-%m-%d')}, "
        f"{platform.node()} ({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs), "
        f"Python {platform.python_version()}; gunicorn masters × 1 sync worker, PostgreSQL, Redis db 13"
    )
    print(
        "| web processes | write statuses | 5xx | lost | unfinished | write phase req/s | read statuses | "
        "read req/s | read p50 ms | read p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for processes, w, r in results:
        print(
            f"| {processes} | {w['statuses']} | {w['5xx']} | {w['lost']} | {w['unfinished']} | {w['req_per_s']:.1f} | "
            f"{r['statuses']} | {r['req_per_s']:.1f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |"
        )
    (one_w, one_r), (two_w, two_r) = [(w, r) for _p, w, r in results]
    print(
        f"\ntwo processes / one: writes ×{two_w['req_per_s'] / one_w['req_per_s']:.2f}, "
        f"reads ×{two_r['req_per_s'] / one_r['req_per_s']:.2f}"
    )


if __name__ == "__main__":
    main()
